using Lawline.Server.Common;
using Lawline.Server.Sms;

namespace Lawline.Server.Tests.Sms;

public sealed class SmsTextTests
{
    [Theory]
    [InlineData("", false, 0, 0)]
    [InlineData("Your callback is booked.", false, 24, 1)]
    [InlineData("法律援助", true, 4, 1)]
    [InlineData("Hello 你好", true, 8, 1)]
    public void Measures_encoding_length_and_parts(string text, bool unicode, int length, int segments)
    {
        var measured = SmsText.Measure(text);

        Assert.Equal(unicode, measured.IsUnicode);
        Assert.Equal(length, measured.Length);
        Assert.Equal(segments, measured.Segments);
    }

    [Theory]
    [InlineData(70, 1, 70)]
    [InlineData(71, 2, 67)]
    [InlineData(134, 2, 67)]
    [InlineData(135, 3, 67)]
    [InlineData(670, 10, 67)]
    public void Chinese_fits_70_in_one_SMS_and_67_per_part_once_split(int characters, int segments, int perSegment)
    {
        var measured = SmsText.Measure(new string('法', characters));

        Assert.True(measured.IsUnicode);
        Assert.Equal(segments, measured.Segments);
        Assert.Equal(perSegment, measured.PerSegment);
    }

    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Gsm_text_fits_160_in_one_SMS_and_153_per_part(int characters, int segments)
        => Assert.Equal(segments, SmsText.Measure(new string('a', characters)).Segments);

    [Fact]
    public void Gsm_extension_characters_count_twice()
    {
        var measured = SmsText.Measure(new string('a', 158) + "€");

        Assert.False(measured.IsUnicode);
        Assert.Equal(160, measured.Length);
        Assert.Equal(1, measured.Segments);
        Assert.Equal(2, SmsText.Measure(new string('a', 159) + "€").Segments);
    }

    [Fact]
    public void A_character_outside_the_BMP_counts_as_two_UTF16_units()
    {
        // 𠮷 (U+20BB7) is a surrogate pair: 69 法 + 𠮷 = 71 units, two parts.
        var measured = SmsText.Measure(new string('法', 69) + "𠮷");

        Assert.Equal(71, measured.Length);
        Assert.Equal(2, measured.Segments);
        Assert.Equal(134 - 71, measured.RemainingInSegment);
    }

    [Fact]
    public void Renders_placeholders_and_names_the_missing_ones()
    {
        const string body = "请前往{机构名称}，地址：{地址}，电话：{电话}。";
        Assert.Equal(["机构名称", "地址", "电话"], SmsText.Placeholders(body));

        var text = SmsText.Render("t", body, new Dictionary<string, string> { ["机构名称"] = "武汉市法律援助中心", ["地址"] = "江岸区", ["电话"] = "027-12348", ["unused"] = "x" });
        Assert.Equal("请前往武汉市法律援助中心，地址：江岸区，电话：027-12348。", text);

        var error = Assert.Throws<ValidationFailedException>(() => SmsText.Render("t", body, new Dictionary<string, string> { ["机构名称"] = "中心", ["电话"] = " " }));
        Assert.Contains("{地址}", error.Errors["values"][0]);
        Assert.Contains("{电话}", error.Errors["values"][0]);
    }

    [Fact]
    public void Delivery_reports_are_idempotent_and_never_move_a_message_back()
    {
        var now = TimeProvider.System.GetUtcNow();
        var message = new SmsMessage { Status = SmsStatus.Sending };

        Assert.True(SmsDeliveryReport.Apply(message, SmsDeliveryReport.AcceptedBySmsc, null, now));
        Assert.Equal(SmsStatus.Sent, message.Status);
        Assert.True(SmsDeliveryReport.Apply(message, SmsDeliveryReport.DeliveredToPhone, "ok", now));
        Assert.Equal(SmsStatus.Delivered, message.Status);
        Assert.False(SmsDeliveryReport.Apply(message, SmsDeliveryReport.DeliveredToPhone, "ok", now));
        Assert.False(SmsDeliveryReport.Apply(message, SmsDeliveryReport.AcceptedBySmsc, null, now));
        Assert.Equal(SmsStatus.Delivered, message.Status);

        Assert.True(SmsDeliveryReport.Apply(message, SmsDeliveryReport.NotDeliveredToPhone, "stat:UNDELIV", now));
        Assert.Equal(SmsStatus.Failed, message.Status);
        Assert.Contains("UNDELIV", message.LastError);
    }

    [Fact]
    public void Retry_delays_double_up_to_the_cap()
    {
        var options = new SmsOptions { RetryBaseDelay = TimeSpan.FromSeconds(30), RetryMaxDelay = TimeSpan.FromMinutes(3) };

        Assert.Equal([30, 60, 120, 180, 180], Enumerable.Range(1, 5).Select(a => options.RetryDelay(a).TotalSeconds));
    }
}
