using Lawline.Server.Common;
using Lawline.Server.Platforms;

namespace Lawline.Server.Tests.Platforms;

public sealed class PlatformTests
{
    [Fact]
    public void A_child_is_one_level_below_its_parent_with_its_kind_hours_and_a_path_under_it()
    {
        var province = Platform.CreateRoot("GZ", "贵州省12348", PlatformKind.LegalService12348, PlatformLevel.Province);
        province.OfficeHours = OfficeHours.AlwaysOpen;
        province.TimeZone = "Asia/Urumqi";

        var city = Platform.CreateChild(province, "GZ-GY", "贵阳市12348");
        var district = Platform.CreateChild(city, "GZ-GY-NM", "南明区12348");

        Assert.Equal(PlatformLevel.City, city.Level);
        Assert.Equal(PlatformLevel.District, district.Level);
        Assert.Equal("/GZ/GZ-GY/GZ-GY-NM/", district.Path);
        Assert.Equal(PlatformKind.LegalService12348, district.Kind);
        Assert.True(district.OfficeHours.Open24x7);
        Assert.Equal("Asia/Urumqi", district.TimeZone);
    }

    [Fact]
    public void A_court_tree_keeps_its_kind()
    {
        var high = Platform.CreateRoot("BJGY", "北京市高级人民法院", PlatformKind.CourtService12368, PlatformLevel.Province);

        var intermediate = Platform.CreateChild(high, "BJ1ZY", "北京市第一中级人民法院");

        Assert.Equal(PlatformKind.CourtService12368, intermediate.Kind);
        Assert.Equal(PlatformLevel.City, intermediate.Level);
    }

    [Fact]
    public void A_district_cannot_have_sub_platforms()
    {
        var city = Platform.CreateRoot("WH", "武汉市", PlatformKind.LegalService12348, PlatformLevel.City);
        var district = Platform.CreateChild(city, "WH-JA", "江岸区");

        var error = Assert.Throws<DomainException>(() => Platform.CreateChild(district, "WH-JA-1", "街道"));

        Assert.Equal("parentId", error.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("WH JA")]
    [InlineData("WH/JA")]
    [InlineData("武汉")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456")]
    public void A_code_is_1_to_32_letters_digits_or_dashes(string code)
    {
        var city = Platform.CreateRoot("WH", "武汉市", PlatformKind.LegalService12348, PlatformLevel.City);

        var child = Assert.Throws<ValidationFailedException>(() => Platform.CreateChild(city, code, "x"));
        var root = Assert.Throws<ValidationFailedException>(() => Platform.CreateRoot(code, "x", PlatformKind.LegalService12348, PlatformLevel.City));

        Assert.Equal(["code"], child.Errors.Keys);
        Assert.Equal(["code"], root.Errors.Keys);
    }
}
