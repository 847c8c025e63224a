using System.ComponentModel.DataAnnotations;

namespace Lawline.Server.Satisfaction;

/// <summary>The <c>Satisfaction</c> section: the survey by SMS link.</summary>
public sealed class SatisfactionOptions
{
    public const string Section = "Satisfaction";

    /// <summary>Send a survey link by SMS when the caller hangs up before the lawyer (so missed the IVR survey).</summary>
    public bool SmsSurvey { get; set; } = true;

    /// <summary>
    /// The address citizens open the link at, e.g. <c>https://12348.example.gov.cn</c>; when empty, the first of the
    /// server's <c>Urls</c> (for the API, the address the request came to).
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a link can be used.</summary>
    [Range(1, 24 * 30)]
    public int InvitationValidHours { get; set; } = 72;
}
