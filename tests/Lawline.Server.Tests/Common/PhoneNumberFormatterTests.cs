using Lawline.Server.Common;

namespace Lawline.Server.Tests.Common;

public sealed class PhoneNumberFormatterTests
{
    [Theory]
    [InlineData("13812345678", "+8613812345678")]
    [InlineData("138 1234 5678", "+8613812345678")]
    [InlineData("+86 138 1234 5678", "+8613812345678")]
    [InlineData("008613812345678", "+8613812345678")]
    [InlineData("010-12345678", "+861012345678")]
    [InlineData("(010) 1234 5678", "+861012345678")]
    [InlineData("0755-12345678", "+8675512345678")]
    public void Normalizes_what_people_type_and_trunks_deliver_to_E164(string raw, string e164)
    {
        Assert.True(PhoneNumberFormatter.TryNormalize(raw, out var number));
        Assert.Equal(e164, number!.E164);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345")]
    [InlineData("abc")]
    [InlineData("1381234567")]
    [InlineData("+86 138 1234 56789 0")]
    public void Refuses_what_is_not_a_phone_number(string? raw)
    {
        Assert.False(PhoneNumberFormatter.TryNormalize(raw, out var number));
        Assert.Null(number);
    }

    [Fact]
    public void Normalize_names_the_field_when_the_number_is_invalid()
    {
        var error = Assert.Throws<ValidationFailedException>(() => PhoneNumberFormatter.Normalize("12345", "mobile"));

        Assert.Equal(["mobile"], error.Errors.Keys);
    }

    [Fact]
    public void A_Chinese_mobile_gets_the_province_and_city_of_its_number_block()
    {
        // What libphonenumber's offline geocoder answers for the 138 1234 block.
        var number = PhoneNumberFormatter.Normalize("13812345678");

        Assert.Equal("江苏省", number.Province);
        Assert.Equal("连云港市", number.City);
        Assert.True(number.IsMobile);
    }

    [Theory]
    [InlineData("010-12345678", "北京市", "北京市")]
    [InlineData("021-85551234", "上海市", "上海市")]
    [InlineData("027-85551234", "湖北省", "武汉市")]
    [InlineData("0755-12345678", "广东省", "深圳市")]
    public void A_landline_gets_the_region_of_its_area_code(string raw, string province, string city)
    {
        var number = PhoneNumberFormatter.Normalize(raw);

        Assert.Equal(province, number.Province);
        Assert.Equal(city, number.City);
        Assert.False(number.IsMobile);
    }

    [Theory]
    [InlineData("+8613812345678", "138****5678")]
    [InlineData("+8618600001111", "186****1111")]
    [InlineData("+861012345678", "010****5678")]
    [InlineData("+862785001000", "027****1000")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Mask_hides_the_middle_of_a_mobile_number(string? e164, string masked)
        => Assert.Equal(masked, PhoneNumberFormatter.Mask(e164));

    [Fact]
    public void Mask_never_shows_a_landline_in_full()
    {
        var masked = PhoneNumberFormatter.Mask("+861012345678");

        Assert.Contains('*', masked);
        Assert.DoesNotContain("12345678", masked, StringComparison.Ordinal);
        Assert.EndsWith("5678", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+8613812345678", "13812345678")]
    [InlineData("+861012345678", "01012345678")]
    public void Display_shows_the_national_form_without_spaces(string e164, string shown)
        => Assert.Equal(shown, PhoneNumberFormatter.Display(e164));

    [Theory]
    [InlineData("广东省深圳市", "广东省", "深圳市")]
    [InlineData("北京市", "北京市", "北京市")]
    [InlineData("广西壮族自治区南宁市", "广西壮族自治区", "南宁市")]
    [InlineData("香港特别行政区", "香港特别行政区", null)]
    [InlineData("美国", "美国", null)]
    [InlineData("", null, null)]
    public void SplitRegion_separates_province_and_city(string description, string? province, string? city)
        => Assert.Equal((province, city), PhoneNumberFormatter.SplitRegion(description));
}
