namespace Lawline.Server.Platforms;

/// <summary>One opening span on a weekday, in the platform's local time.</summary>
public sealed class OpeningSpan
{
    public DayOfWeek Day { get; set; }
    public TimeOnly Opens { get; set; }
    public TimeOnly Closes { get; set; }
}

/// <summary>
/// When a platform answers calls: 7×24, or weekly spans with holidays closed and adjusted working days
/// (调休, a weekend day worked in exchange for a holiday) open with the usual weekday hours.
/// </summary>
public sealed class OfficeHours
{
    public bool Open24x7 { get; set; }
    public List<OpeningSpan> Weekly { get; set; } = [];
    public List<DateOnly> Holidays { get; set; } = [];
    public List<DateOnly> AdjustedWorkingDays { get; set; } = [];

    /// <summary>Monday to Friday 09:00–12:00 and 13:30–17:30, the common office hours of a government hotline.</summary>
    public static OfficeHours Default => new()
    {
        Weekly = [.. WorkingDays.SelectMany(d => new[]
        {
            new OpeningSpan { Day = d, Opens = new TimeOnly(9, 0), Closes = new TimeOnly(12, 0) },
            new OpeningSpan { Day = d, Opens = new TimeOnly(13, 30), Closes = new TimeOnly(17, 30) },
        })],
    };

    public static OfficeHours AlwaysOpen => new() { Open24x7 = true };

    private static readonly DayOfWeek[] WorkingDays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Whether the hotline is open at a local date and time.</summary>
    public bool IsOpen(DateTime local)
    {
        if (Open24x7)
        {
            return true;
        }
        var date = DateOnly.FromDateTime(local);
        if (Holidays.Contains(date))
        {
            return false;
        }
        // An adjusted working day follows Monday's hours.
        var day = AdjustedWorkingDays.Contains(date) ? DayOfWeek.Monday : local.DayOfWeek;
        var time = TimeOnly.FromDateTime(local);
        return Weekly.Any(s => s.Day == day && time >= s.Opens && time < s.Closes);
    }

    public IEnumerable<string> Validate()
    {
        foreach (var span in Weekly.Where(s => s.Closes <= s.Opens))
        {
            yield return $"{span.Day}: closing time {span.Closes:HH\\:mm} must be after opening time {span.Opens:HH\\:mm}.";
        }
        if (!Open24x7 && Weekly.Count == 0)
        {
            yield return "A platform that is not open 7×24 needs at least one opening span.";
        }
    }
}
