using System.Text;

namespace Lawline.Server.Knowledge;

/// <summary>
/// Chinese numerals as laws number their articles (第一千零七十九条 ↔ 1079): digits 零〇一二两三四五六七八九,
/// units 十百千万. A leading 十 means 一十 (第十条, 第十二条); 零 stands for skipped units (一百零二 = 102).
/// </summary>
public static class ChineseNumerals
{
    private const string Digits = "零一二三四五六七八九";

    /// <summary>The largest number handled (article numbers stay far below it).</summary>
    public const int Max = 99_999_999;

    public static bool IsNumeralChar(char c) => DigitOf(c) >= 0 || UnitOf(c) > 0;

    /// <summary>Parses 一千零七十九 (or Arabic digits, full- or half-width) into 1079; null when it is not a number.</summary>
    public static int? Parse(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.IsEmpty)
        {
            return null;
        }
        if (IsArabic(text))
        {
            return int.TryParse(Halfwidth(text), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n <= Max ? n : null;
        }

        long total = 0;     // completed 万 groups
        long section = 0;   // below 万
        var digit = -1;     // a digit waiting for its unit
        var lastUnit = 100_000_000L; // units must fall within a section (一千一百, not 一百一千)
        foreach (var c in text)
        {
            var d = DigitOf(c);
            if (d >= 0)
            {
                if (digit > 0)
                {
                    return null; // 一二: two digits in a row are not a numeral (except after 零)
                }
                digit = d;
                continue;
            }
            var unit = UnitOf(c);
            if (unit == 0)
            {
                return null;
            }
            if (unit == 10_000)
            {
                section += Math.Max(digit, 0);
                if (section == 0)
                {
                    return null;
                }
                total += section * 10_000;
                section = 0;
                digit = -1;
                lastUnit = 10_000;
                continue;
            }
            if (unit >= lastUnit)
            {
                return null;
            }
            if (digit == 0)
            {
                return null; // 零十
            }
            // 十 alone (at the start of a section) is 一十.
            var multiplier = digit < 0 ? (unit == 10 && section == 0 ? 1 : -1) : digit;
            if (multiplier < 0)
            {
                return null;
            }
            section += multiplier * unit;
            lastUnit = unit;
            digit = -1;
        }
        if (digit > 0)
        {
            section += digit;
        }
        var value = total + section;
        return value is > 0 and <= Max ? (int)value : (value == 0 && text.Length == 1 && DigitOf(text[0]) == 0 ? 0 : null);
    }

    /// <summary>1079 → 一千零七十九; 10 → 十; 110 → 一百一十; 0 → 零.</summary>
    public static string Format(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Max);
        if (value == 0)
        {
            return "零";
        }
        var text = new StringBuilder();
        var high = value / 10_000;
        var low = value % 10_000;
        if (high > 0)
        {
            text.Append(FormatSection(high, leadingTenShort: true)).Append('万');
            if (low > 0)
            {
                if (low < 1000)
                {
                    text.Append('零');
                }
                text.Append(FormatSection(low, leadingTenShort: false));
            }
            return text.ToString();
        }
        return FormatSection(low, leadingTenShort: true);
    }

    /// <summary>第一千零七十九条 → 1079 (also 第1079条, 1079条, 第1079).</summary>
    public static int? ParseArticle(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.StartsWith("第"))
        {
            text = text[1..];
        }
        if (text.EndsWith("条"))
        {
            text = text[..^1];
        }
        return Parse(text);
    }

    /// <summary>1079 → 第一千零七十九条.</summary>
    public static string FormatArticle(int number) => $"第{Format(number)}条";

    private static string FormatSection(int value, bool leadingTenShort)
    {
        var text = new StringBuilder();
        int[] units = [1000, 100, 10, 1];
        var pendingZero = false;
        foreach (var unit in units)
        {
            var d = value / unit % 10;
            if (d == 0)
            {
                if (text.Length > 0)
                {
                    pendingZero = true;
                }
                continue;
            }
            if (pendingZero)
            {
                text.Append('零');
                pendingZero = false;
            }
            if (!(unit == 10 && d == 1 && text.Length == 0 && leadingTenShort))
            {
                text.Append(Digits[d]);
            }
            text.Append(unit switch { 1000 => "千", 100 => "百", 10 => "十", _ => "" });
        }
        return text.ToString();
    }

    private static int DigitOf(char c) => c switch
    {
        '零' or '〇' => 0,
        '一' => 1,
        '二' or '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => -1,
    };

    private static int UnitOf(char c) => c switch
    {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        '万' => 10_000,
        _ => 0,
    };

    private static bool IsArabic(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not (>= '0' and <= '9' or >= '０' and <= '９'))
            {
                return false;
            }
        }
        return true;
    }

    internal static string Halfwidth(ReadOnlySpan<char> text)
    {
        var chars = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = text[i] is >= '０' and <= '９' ? (char)(text[i] - '０' + '0') : text[i];
        }
        return new string(chars);
    }
}
