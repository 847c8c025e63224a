using PhoneNumbers;

namespace Lawline.Server.Common;

/// <summary>A phone number in E.164 with the province and city the number belongs to, when known.</summary>
public sealed record NormalizedPhoneNumber(string E164, string? Province, string? City, bool IsMobile)
{
    public string Masked => PhoneNumberFormatter.Mask(E164);
}

/// <summary>
/// Normalizes caller and agent numbers to E.164 and derives the region offline (libphonenumber's
/// geocoder), so "out-of-region share" and "calls by region" work without a carrier lookup.
/// </summary>
public static class PhoneNumberFormatter
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberOfflineGeocoder Geocoder = PhoneNumberOfflineGeocoder.GetInstance();
    private static readonly Locale Chinese = new("zh", "CN");

    /// <summary>Parses what a person typed or a trunk delivered ("13812345678", "010-12345678", "+86 138...").</summary>
    public static bool TryNormalize(string? raw, out NormalizedPhoneNumber? number, string defaultRegion = "CN")
    {
        number = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return false;
        }
        var text = raw.Trim();
        // Chinese trunks often prefix international calls with 00 and domestic long distance with 0.
        if (text.StartsWith("00", StringComparison.Ordinal))
        {
            text = "+" + text[2..];
        }
        try
        {
            var parsed = Util.Parse(text, defaultRegion);
            if (!Util.IsValidNumber(parsed))
            {
                return false;
            }
            var e164 = Util.Format(parsed, PhoneNumberFormat.E164);
            var type = Util.GetNumberType(parsed);
            var (province, city) = SplitRegion(Geocoder.GetDescriptionForNumber(parsed, Chinese));
            number = new NormalizedPhoneNumber(e164, province, city,
                type is PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    public static NormalizedPhoneNumber Normalize(string? raw, string field = "phoneNumber")
        => TryNormalize(raw, out var number)
            ? number!
            : throw new ValidationFailedException(field, $"'{raw}' is not a valid phone number.");

    /// <summary>
    /// Keeps the first three and last four digits of the national form: 138****5678 for a mobile,
    /// 010****5678 for a Beijing landline (Chinese landlines get their trunk 0 back).
    /// </summary>
    public static string Mask(string? e164)
    {
        if (string.IsNullOrEmpty(e164))
        {
            return string.Empty;
        }
        var national = e164.StartsWith("+86", StringComparison.Ordinal)
            // Mobiles are 11 digits starting with 1; anything else is a landline (Beijing 10xxxxxxxx too).
            ? (e164.Length == 14 && e164[3] == '1' ? e164[3..] : "0" + e164[3..])
            : e164.TrimStart('+');
        if (national.Length <= 7)
        {
            return new string('*', national.Length);
        }
        return string.Concat(national.AsSpan(0, 3), new string('*', national.Length - 7), national.AsSpan(national.Length - 4));
    }

    /// <summary>The national form shown to people who may see the full number: 13812345678, 01012345678.</summary>
    public static string Display(string e164)
    {
        try
        {
            var parsed = Util.Parse(e164, "CN");
            return parsed.CountryCode == 86
                ? Util.Format(parsed, PhoneNumberFormat.NATIONAL).Replace(" ", string.Empty, StringComparison.Ordinal)
                : Util.Format(parsed, PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return e164;
        }
    }

    // The geocoder answers "广东省深圳市", "北京市", "广西壮族自治区南宁市" or a country name.
    internal static (string? Province, string? City) SplitRegion(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return (null, null);
        }
        foreach (var marker in new[] { "自治区", "特别行政区", "省" })
        {
            var at = description.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
            {
                var province = description[..(at + marker.Length)];
                var city = description[(at + marker.Length)..];
                return (province, city.Length > 0 ? city : null);
            }
        }
        // Municipalities (北京市, 上海市, 天津市, 重庆市) are their own province and city.
        return description.EndsWith('市') ? (description, description) : (description, null);
    }
}
