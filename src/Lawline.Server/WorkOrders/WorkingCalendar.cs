using Lawline.Server.Platforms;

namespace Lawline.Server.WorkOrders;

/// <summary>
/// Working days for deadlines: Monday to Friday, minus the platform's holidays, plus its adjusted working
/// days (调休). A deadline of N working days ends at the close of the Nth working day after today; 0 means
/// the end of today (or of the next working day when today is not one).
/// </summary>
public static class WorkingCalendar
{
    private static readonly TimeOnly EndOfDay = new(23, 59, 59);

    public static bool IsWorkingDay(OfficeHours hours, DateOnly day)
        => hours.AdjustedWorkingDays.Contains(day)
           || (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !hours.Holidays.Contains(day));

    public static DateTimeOffset Deadline(OfficeHours hours, TimeZoneInfo zone, DateTimeOffset start, int workingDays)
    {
        var local = TimeZoneInfo.ConvertTime(start, zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        while (!IsWorkingDay(hours, day))
        {
            day = day.AddDays(1);
        }
        for (var remaining = workingDays; remaining > 0;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(hours, day))
            {
                remaining--;
            }
        }
        var end = day.ToDateTime(EndOfDay);
        // Stored in UTC (PostgreSQL's timestamptz takes UTC only); shown in the platform's time zone.
        return new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUniversalTime();
    }

    public static TimeZoneInfo Zone(string id)
        => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.CreateCustomTimeZone("UTC+8", TimeSpan.FromHours(8), "UTC+8", "UTC+8");
}
