using System.ComponentModel.DataAnnotations;

namespace Lawline.Server.SelfService;

/// <summary>Settings of the public self-service page (智能服务) and its callback requests.</summary>
public sealed class SelfServiceOptions
{
    public const string Section = "SelfService";

    /// <summary>The platform citizens' callback requests go to; empty = the first top-level 12348 platform.</summary>
    [MaxLength(32)]
    public string? PlatformCode { get; set; }

    /// <summary>Callback requests one phone number may make within <see cref="Window"/>.</summary>
    [Range(1, 1000)]
    public int RequestsPerNumber { get; set; } = 3;

    /// <summary>Callback requests one network address may make within <see cref="Window"/>.</summary>
    [Range(1, 10000)]
    public int RequestsPerAddress { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}
