using Lawline.Server.Knowledge;

namespace Lawline.Server.Tests.Knowledge;

public sealed class ChineseNumeralsTests
{
    [Theory]
    [InlineData("一", 1)]
    [InlineData("九", 9)]
    [InlineData("十", 10)]
    [InlineData("十一", 11)]
    [InlineData("十九", 19)]
    [InlineData("二十", 20)]
    [InlineData("二十一", 21)]
    [InlineData("九十九", 99)]
    [InlineData("一百", 100)]
    [InlineData("一百零二", 102)]
    [InlineData("一百一十", 110)]
    [InlineData("一百一十一", 111)]
    [InlineData("一百二十", 120)]
    [InlineData("三百零六", 306)]
    [InlineData("九百八十九", 989)]
    [InlineData("一千", 1000)]
    [InlineData("一千零一", 1001)]
    [InlineData("一千零一十", 1010)]
    [InlineData("一千零七十九", 1079)]
    [InlineData("一千一百", 1100)]
    [InlineData("一千二百六十", 1260)]
    [InlineData("两千", 2000)]
    [InlineData("一万", 10_000)]
    [InlineData("一万零一", 10_001)]
    [InlineData("十万", 100_000)]
    [InlineData("零", 0)]
    [InlineData("〇", 0)]
    [InlineData("1079", 1079)]
    [InlineData("１０７９", 1079)]
    public void Parses_law_numbering(string text, int expected) => Assert.Equal(expected, ChineseNumerals.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("条")]
    [InlineData("一二")]
    [InlineData("十十")]
    [InlineData("一百一千")]
    [InlineData("零十")]
    [InlineData("百")]
    [InlineData("一百十")]
    [InlineData("abc")]
    [InlineData("12a")]
    public void Rejects_what_is_not_a_numeral(string text) => Assert.Null(ChineseNumerals.Parse(text));

    [Theory]
    [InlineData(0, "零")]
    [InlineData(1, "一")]
    [InlineData(10, "十")]
    [InlineData(12, "十二")]
    [InlineData(20, "二十")]
    [InlineData(21, "二十一")]
    [InlineData(100, "一百")]
    [InlineData(102, "一百零二")]
    [InlineData(110, "一百一十")]
    [InlineData(1000, "一千")]
    [InlineData(1001, "一千零一")]
    [InlineData(1010, "一千零一十")]
    [InlineData(1079, "一千零七十九")]
    [InlineData(1260, "一千二百六十")]
    [InlineData(10_010, "一万零一十")]
    [InlineData(12_345, "一万二千三百四十五")]
    public void Formats_as_laws_write_numbers(int value, string expected) => Assert.Equal(expected, ChineseNumerals.Format(value));

    [Fact]
    public void Every_number_up_to_ten_thousand_round_trips()
    {
        for (var n = 0; n <= 10_000; n++)
        {
            Assert.Equal(n, ChineseNumerals.Parse(ChineseNumerals.Format(n)));
        }
    }

    [Theory]
    [InlineData("第一千零七十九条", 1079)]
    [InlineData("第十条", 10)]
    [InlineData("第二十一条", 21)]
    [InlineData("第一百零二条", 102)]
    [InlineData("第1079条", 1079)]
    [InlineData("82条", 82)]
    [InlineData("第八十二", 82)]
    public void Parses_article_references(string text, int expected) => Assert.Equal(expected, ChineseNumerals.ParseArticle(text));

    [Fact]
    public void Formats_article_references() => Assert.Equal("第一千零七十九条", ChineseNumerals.FormatArticle(1079));
}
