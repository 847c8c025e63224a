using System.Text.RegularExpressions;
using Lawline.Server.Common;

namespace Lawline.Server.Sms;

/// <summary>How long a text is on the air: its encoding, its length in that encoding, and the parts it is sent in.</summary>
/// <param name="Length">GSM-7 septets (extension characters count 2) or UTF-16 code units (a surrogate pair counts 2).</param>
/// <param name="Segments">Parts the operator delivers and bills; 0 for an empty text.</param>
/// <param name="PerSegment">What one part holds: 160/70 for a single message, 153/67 per part once it is split.</param>
public readonly record struct SmsLength(bool IsUnicode, int Length, int Segments, int PerSegment)
{
    /// <summary>What is left in the last part before one more part is needed.</summary>
    public int RemainingInSegment => Segments == 0 ? PerSegment : (PerSegment * Segments) - Length;
}

/// <summary>
/// SMS lengths (3GPP TS 23.038 and 23.040) and placeholder templates. A message with any character outside the GSM
/// 7-bit alphabet, such as any Chinese character, is sent as UCS-2: 70 characters in one SMS, or 67 per part when it
/// is split, because each part carries a 6-byte concatenation header (UDH) in its 140 bytes.
/// </summary>
public static partial class SmsText
{
    public const int GsmSingle = 160;
    public const int GsmPart = 153;
    public const int UnicodeSingle = 70;
    public const int UnicodePart = 67;

    /// <summary>The longest text accepted: 10 UCS-2 parts.</summary>
    public const int MaxLength = 670;

    public const int MaxSegments = 10;

    // TS 23.038 §6.2.1: the default alphabet, and the extension table reached through ESC (2 septets each).
    private const string GsmBasic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string GsmExtension = "^{}\\[~]|€\f";

    public static SmsLength Measure(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new SmsLength(false, 0, 0, GsmSingle);
        }
        var septets = 0;
        foreach (var c in text)
        {
            if (GsmBasic.Contains(c, StringComparison.Ordinal))
            {
                septets++;
            }
            else if (GsmExtension.Contains(c, StringComparison.Ordinal))
            {
                septets += 2;
            }
            else
            {
                // UCS-2 on the air is UTF-16 here (Kannel sends surrogate pairs as two units), so string.Length is right.
                return Split(true, text.Length, UnicodeSingle, UnicodePart);
            }
        }
        return Split(false, septets, GsmSingle, GsmPart);
    }

    private static SmsLength Split(bool unicode, int length, int single, int part)
        => length <= single
            ? new SmsLength(unicode, length, 1, single)
            : new SmsLength(unicode, length, (length + part - 1) / part, part);

    [GeneratedRegex(@"\{([\p{L}\p{N}_]+)\}")]
    private static partial Regex PlaceholderPattern();

    /// <summary>The placeholders of a template body, in order of first appearance.</summary>
    public static IReadOnlyList<string> Placeholders(string body)
        => [.. PlaceholderPattern().Matches(body).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Fills every <c>{name}</c> of <paramref name="body"/>. A placeholder without a (non-blank) value is an error naming
    /// it, so that a citizen never receives "{地址}"; values the template does not use are ignored.
    /// </summary>
    public static string Render(string templateCode, string body, IReadOnlyDictionary<string, string>? values)
    {
        var missing = Placeholders(body)
            .Where(p => values is null || !values.TryGetValue(p, out var v) || string.IsNullOrWhiteSpace(v))
            .ToList();
        if (missing.Count > 0)
        {
            throw new ValidationFailedException("values",
                $"The template '{templateCode}' needs a value for {string.Join(", ", missing.Select(m => "{" + m + "}"))}.");
        }
        return PlaceholderPattern().Replace(body, m => values![m.Groups[1].Value].Trim());
    }
}
