namespace Lawline.Server.Analytics;

/// <summary>
/// The one place the KPI definitions of design.md live: the day boundaries (Beijing), the service-level target, what
/// "out of region" means, and each rate as a quotient of counts. Dashboards, reports, the wallboard and the API compute
/// from these, so the same period gives the same numbers everywhere.
/// </summary>
public static class KpiDefinitions
{
    /// <summary>Every 12348/12368 platform counts its days in Beijing time.</summary>
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    /// <summary>人工应答及时率: answered within this long of asking for an agent.</summary>
    public static readonly TimeSpan ServiceLevelTarget = TimeSpan.FromSeconds(15);

    /// <summary>重复来电: the same number calling the same platform again within this window.</summary>
    public static readonly TimeSpan DefaultRepeatWindow = TimeSpan.FromDays(7);

    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(BeijingOffset).DateTime);

    /// <summary>[start, end) of a Beijing day as UTC instants (PostgreSQL stores only UTC offsets).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) DayBounds(DateOnly day)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), BeijingOffset).ToUniversalTime();
        return (start, start.AddDays(1));
    }

    /// <summary>
    /// A caller is out of region when the number's province is known and is not the province of the platform's service
    /// region (北京市 vs 北京市; 贵州省 vs 贵州省贵阳市). Unknown either side: not out of region.
    /// </summary>
    public static bool IsOutOfRegion(string? serviceRegion, string? callerProvince)
    {
        if (string.IsNullOrEmpty(serviceRegion) || string.IsNullOrEmpty(callerProvince))
        {
            return false;
        }

        return !serviceRegion.StartsWith(callerProvince, StringComparison.Ordinal)
            && !callerProvince.StartsWith(serviceRegion, StringComparison.Ordinal);
    }

    /// <summary>A quotient, or null when there is nothing to divide by (shown as "—", never as 0 % or 100 %).</summary>
    public static double? Rate(long part, long whole) => whole == 0 ? null : (double)part / whole;

    public static double? Average(long sum, long count) => count == 0 ? null : (double)sum / count;
}
