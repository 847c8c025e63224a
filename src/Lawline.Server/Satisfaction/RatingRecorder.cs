using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Satisfaction;

/// <summary>A citizen's rating of one service: a call, a work order, or both.</summary>
public sealed record RatingInput(int PlatformId, long? CallRecordId, int? WorkOrderId, CallRating Rating, RatingChannel Channel, DateTimeOffset At,
    string? ReasonTags = null, string? Comment = null);

/// <summary>What storing a rating did: the history row and the 回访 task it opened, if any.</summary>
public sealed record RecordedRating(long RatingId, int? CallbackTaskId);

/// <summary>A platform's effective 回访 rule (its row, or the defaults).</summary>
public sealed record CallbackRuleDto(int PlatformId, IReadOnlyList<CallRating> Ratings, int DeadlineWorkingDays, int MaxAttempts, bool IsDefault);

public sealed record SaveCallbackRuleRequest(IReadOnlyList<CallRating>? Ratings, int DeadlineWorkingDays, int MaxAttempts);

/// <summary>
/// The one write path of a satisfaction rating, for the IVR survey, the SMS link and online channels: a
/// <see cref="SatisfactionRating"/> history row (superseding an earlier rating of the same call or work order), the
/// rating on the call record and the work order, and — per the platform's <see cref="CallbackRule"/> — one 回访 task
/// for the service, assigned to the platform's supervisor with the fewest open tasks, never the rated lawyer.
/// </summary>
public sealed class RatingRecorder(IServiceScopeFactory scopes, IOptions<RoutingOptions> routing)
{
    /// <summary>In its own system transaction (the call flow).</summary>
    public async Task<RecordedRating> RecordAsync(RatingInput input, CancellationToken cancellationToken)
    {
        RecordedRating? recorded = null;
        await scopes.WriteAsSystemAsync("rating", async db => recorded = await RecordAsync(db, input, cancellationToken), cancellationToken);
        return recorded!;
    }

    /// <summary>Within the caller's transaction on <paramref name="db"/>; saves so the new ids are known.</summary>
    public async Task<RecordedRating> RecordAsync(AppDbContext db, RatingInput input, CancellationToken cancellationToken)
    {
        // PostgreSQL's timestamptz takes UTC only.
        var now = input.At.ToUniversalTime();
        string? phone = null;
        int? agentId = null;
        var workOrderId = input.WorkOrderId;
        var platformId = input.PlatformId;
        if (input.CallRecordId is { } callId && await db.CallRecords.SingleOrDefaultAsync(r => r.Id == callId, cancellationToken) is { } record)
        {
            record.Rating = input.Rating;
            record.RatedAt = now;
            phone = record.CallerNumber;
            agentId = record.AgentId;
            platformId = record.PlatformId;
            workOrderId = record.WorkOrderId ?? workOrderId;
        }

        if (workOrderId is { } orderId && await db.WorkOrders.SingleOrDefaultAsync(w => w.Id == orderId, cancellationToken) is { } order)
        {
            order.Rate(input.Rating, now);
            phone ??= order.CallerPhoneE164;
            agentId ??= order.AgentId;
        }

        // One current rating per service: an earlier rating of the same call or work order becomes history.
        var callRecordId = input.CallRecordId;
        var earlier = await db.SatisfactionRatings
            .Where(r => r.SupersededAt == null && ((callRecordId != null && r.CallRecordId == callRecordId) || (workOrderId != null && r.WorkOrderId == workOrderId)))
            .ToListAsync(cancellationToken);
        foreach (var previous in earlier)
        {
            previous.SupersededAt = now;
        }

        var rating = new SatisfactionRating
        {
            PlatformId = platformId,
            CallRecordId = callRecordId,
            WorkOrderId = workOrderId,
            AgentId = agentId,
            Rating = input.Rating,
            Channel = input.Channel,
            ReasonTags = input.ReasonTags,
            Comment = input.Comment,
            At = now,
        };
        db.SatisfactionRatings.Add(rating);

        int? taskId = null;
        var rule = await RuleAsync(db, platformId, cancellationToken);
        if (rule.Ratings.Contains(input.Rating) && !string.IsNullOrEmpty(phone)
            && !await db.CallbackTasks.AnyAsync(t => t.Kind == CallbackKind.LowRating && t.Status != CallbackStatus.Cancelled
                && ((callRecordId != null && t.CallRecordId == callRecordId) || (workOrderId != null && t.WorkOrderId == workOrderId)), cancellationToken))
        {
            var platform = await db.Platforms.IgnoreQueryFilters().AsNoTracking().SingleAsync(p => p.Id == platformId, cancellationToken);
            var task = new CallbackTask
            {
                PlatformId = platformId,
                Kind = CallbackKind.LowRating,
                Status = CallbackStatus.Pending,
                CallerNumber = phone.Length <= 32 ? phone : phone[..32],
                CallRecordId = callRecordId,
                WorkOrderId = workOrderId,
                CreatedAt = now,
                DueAt = WorkingCalendar.Deadline(platform.OfficeHours, WorkingCalendar.Zone(platform.TimeZone), now, rule.DeadlineWorkingDays),
                AssignedUserId = await SupervisorForAsync(db, platformId, agentId, cancellationToken),
                Note = Describe(input.ReasonTags, input.Comment),
            };
            db.CallbackTasks.Add(task);
            await db.SaveChangesAsync(cancellationToken);
            taskId = task.Id;
        }
        else
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return new RecordedRating(rating.Id, taskId);
    }

    /// <summary>The platform's rule, or the defaults.</summary>
    public async Task<CallbackRuleDto> RuleAsync(AppDbContext db, int platformId, CancellationToken cancellationToken)
    {
        var row = await db.CallbackRules.AsNoTracking().SingleOrDefaultAsync(r => r.PlatformId == platformId, cancellationToken);
        return row is null
            ? new CallbackRuleDto(platformId, [.. routing.Value.CallbackRatings.Distinct()], CallbackRule.DefaultDeadlineWorkingDays, CallbackRule.DefaultMaxAttempts, true)
            : new CallbackRuleDto(platformId, row.RatingList, row.DeadlineWorkingDays, row.MaxAttempts, false);
    }

    /// <summary>
    /// The platform's active supervisor with the fewest open tasks (the longest-standing first on a tie), never the
    /// account of the rated lawyer; null when there is none (the task is then visible to all of them).
    /// </summary>
    public static async Task<int?> SupervisorForAsync(AppDbContext db, int platformId, int? ratedAgentId, CancellationToken cancellationToken)
    {
        var supervisors = await UsersInRoleAsync(db, platformId, LawlineRoles.Supervisor, cancellationToken);
        var eligible = supervisors.Where(s => ratedAgentId is null || s.AgentId != ratedAgentId).Select(s => s.Id).ToList();
        if (eligible.Count == 0)
        {
            return null;
        }

        var load = await db.CallbackTasks.IgnoreQueryFilters()
            .Where(t => t.AssignedUserId != null && eligible.Contains(t.AssignedUserId.Value)
                && (t.Status == CallbackStatus.Pending || t.Status == CallbackStatus.Calling || t.Status == CallbackStatus.Expired))
            .GroupBy(t => t.AssignedUserId!.Value)
            .Select(g => new { UserId = g.Key, Open = g.Count() })
            .ToDictionaryAsync(g => g.UserId, g => g.Open, cancellationToken);
        return eligible.OrderBy(id => load.GetValueOrDefault(id)).ThenBy(id => id).First();
    }

    public sealed record StaffUser(int Id, int? AgentId, string Name);

    /// <summary>Active users of the platform with the role, the longest-standing first.</summary>
    public static async Task<List<StaffUser>> UsersInRoleAsync(AppDbContext db, int platformId, string roleName, CancellationToken cancellationToken) =>
        await (
            from user in db.Users
            join link in db.UserRoles on user.Id equals link.UserId
            join role in db.Roles on link.RoleId equals role.Id
            where user.IsActive && user.PlatformId == platformId && role.Name == roleName
            orderby user.Id
            select new StaffUser(user.Id, user.AgentId, user.DisplayName))
            .ToListAsync(cancellationToken);

    private static string? Describe(string? tags, string? comment)
    {
        var note = string.Join("；", new[] { tags, comment }.Where(s => !string.IsNullOrEmpty(s)));
        return note.Length == 0 ? null : note.Length <= 500 ? note : note[..500];
    }
}
