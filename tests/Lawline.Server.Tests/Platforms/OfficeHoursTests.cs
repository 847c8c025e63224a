using Lawline.Server.Platforms;

namespace Lawline.Server.Tests.Platforms;

public sealed class OfficeHoursTests
{
    // 2025 National Day and Mid-Autumn holiday: 1–8 October off; Sunday 28 September and Saturday
    // 11 October are worked instead (调休).
    private static OfficeHours NationalDay2025() => WithCalendar(OfficeHours.Default);

    private static OfficeHours WithCalendar(OfficeHours hours)
    {
        hours.Holidays = [.. Enumerable.Range(1, 8).Select(day => new DateOnly(2025, 10, day))];
        hours.AdjustedWorkingDays = [new DateOnly(2025, 9, 28), new DateOnly(2025, 10, 11)];
        return hours;
    }

    [Theory]
    [InlineData("2025-09-29T09:00", true)]   // Monday, opening time
    [InlineData("2025-09-29T08:59", false)]
    [InlineData("2025-09-29T11:59", true)]
    [InlineData("2025-09-29T12:00", false)]  // lunch break
    [InlineData("2025-09-29T13:30", true)]
    [InlineData("2025-09-29T17:29", true)]
    [InlineData("2025-09-29T17:30", false)]  // closing time is exclusive
    [InlineData("2025-09-27T10:00", false)]  // Saturday
    [InlineData("2025-10-05T10:00", false)]  // Sunday, in the holiday
    public void Default_hours_are_weekday_office_hours_with_a_lunch_break(string local, bool open)
        => Assert.Equal(open, OfficeHours.Default.IsOpen(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2025-10-01T10:00")]  // Wednesday, National Day
    [InlineData("2025-10-08T15:00")]  // Wednesday, last day off
    public void A_holiday_is_closed_even_on_a_weekday(string local)
        => Assert.False(NationalDay2025().IsOpen(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2025-09-28T10:00", true)]   // Sunday worked instead of a holiday
    [InlineData("2025-09-28T12:30", false)]  // with the usual lunch break
    [InlineData("2025-10-11T16:00", true)]   // Saturday worked
    [InlineData("2025-10-11T18:00", false)]
    public void An_adjusted_working_day_keeps_weekday_hours(string local, bool open)
        => Assert.Equal(open, NationalDay2025().IsOpen(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Adjusted_working_day_on_a_weekday_without_monday_hours_follows_monday()
    {
        var hours = new OfficeHours
        {
            Weekly = [new OpeningSpan { Day = DayOfWeek.Monday, Opens = new TimeOnly(8, 0), Closes = new TimeOnly(9, 0) }],
            AdjustedWorkingDays = [new DateOnly(2025, 10, 11)],
        };

        Assert.True(hours.IsOpen(new DateTime(2025, 10, 11, 8, 30, 0, DateTimeKind.Unspecified)));
        Assert.False(hours.IsOpen(new DateTime(2025, 10, 11, 10, 0, 0, DateTimeKind.Unspecified)));
    }

    [Theory]
    [InlineData("2025-10-05T03:00")]  // Sunday night, in the holiday
    [InlineData("2025-10-01T00:00")]
    [InlineData("2025-09-29T23:59")]
    public void A_7x24_hotline_is_always_open(string local)
        => Assert.True(WithCalendar(OfficeHours.AlwaysOpen).IsOpen(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Validate_accepts_the_defaults_and_7x24()
    {
        Assert.Empty(OfficeHours.Default.Validate());
        Assert.Empty(OfficeHours.AlwaysOpen.Validate());
    }

    [Fact]
    public void Validate_refuses_a_span_that_closes_before_it_opens_and_hours_without_spans()
    {
        var backwards = new OfficeHours
        {
            Weekly = [new OpeningSpan { Day = DayOfWeek.Tuesday, Opens = new TimeOnly(17, 0), Closes = new TimeOnly(9, 0) }],
        };
        var none = new OfficeHours();

        Assert.Contains(backwards.Validate(), message => message.Contains("Tuesday", StringComparison.Ordinal));
        Assert.Single(none.Validate());
    }
}
