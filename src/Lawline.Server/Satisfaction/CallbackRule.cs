using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Satisfaction;

/// <summary>
/// A platform's 回访 rule: which ratings open a mandatory callback, how many working days the supervisors have, and
/// how many failed attempts allow "unreachable". A platform without a row uses the defaults (基本满意 and 不满意 from
/// <see cref="RoutingOptions.CallbackRatings"/>, one working day, three attempts).
/// </summary>
public sealed class CallbackRule : IPlatformOwned
{
    public const int DefaultDeadlineWorkingDays = 1;
    public const int DefaultMaxAttempts = 3;

    public int Id { get; set; }

    public int PlatformId { get; set; }

    /// <summary>The ratings that open a task, comma-separated names of <see cref="CallRating"/>.</summary>
    public string Ratings { get; set; } = "";

    public int DeadlineWorkingDays { get; set; } = DefaultDeadlineWorkingDays;

    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<CallRating> RatingList =>
        [.. Ratings.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => Enum.TryParse<CallRating>(r, out var rating) ? (CallRating?)rating : null)
            .OfType<CallRating>()];
}

internal sealed class CallbackRuleConfiguration : IEntityTypeConfiguration<CallbackRule>
{
    public void Configure(EntityTypeBuilder<CallbackRule> builder)
    {
        builder.Property(r => r.Ratings).HasMaxLength(100).IsRequired();
        builder.HasIndex(r => r.PlatformId).IsUnique();
        builder.Ignore(r => r.RatingList);
        builder.HasOne<Platform>().WithMany().HasForeignKey(r => r.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}
