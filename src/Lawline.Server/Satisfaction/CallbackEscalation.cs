using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Satisfaction;

/// <summary>
/// Every minute: an open 回访 past its deadline goes up to a manager of its platform (<see cref="CallbackTask.EscalatedAt"/>,
/// <see cref="CallbackTask.EscalatedToUserId"/>), once. With no manager on the platform it is still marked escalated.
/// </summary>
public sealed class CallbackEscalation(IServiceScopeFactory scopes, TimeProvider time, ILogger<CallbackEscalation> logger)
    : Common.PeriodicJob(time, logger)
{
    public static readonly TimeSpan EscalationInterval = TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => EscalationInterval;

    protected override string Name => "callback escalation";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    /// <summary>Escalates the overdue open 回访 tasks; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var escalated = 0;
        await scopes.WriteAsSystemAsync("callback-escalation", async db =>
        {
            var overdue = await db.CallbackTasks
                .Where(t => t.Kind == CallbackKind.LowRating && t.EscalatedAt == null && t.DueAt != null
                    && (t.Status == CallbackStatus.Pending || t.Status == CallbackStatus.Calling || t.Status == CallbackStatus.Expired))
                .ToListAsync(cancellationToken);
            var managers = new Dictionary<int, int?>();
            foreach (var task in overdue.Where(t => t.DueAt < now))
            {
                if (!managers.TryGetValue(task.PlatformId, out var manager))
                {
                    manager = (await RatingRecorder.UsersInRoleAsync(db, task.PlatformId, LawlineRoles.PlatformManager, cancellationToken)).FirstOrDefault()?.Id;
                    managers[task.PlatformId] = manager;
                }

                task.EscalatedAt = now;
                task.EscalatedToUserId = manager;
                escalated++;
            }
        }, cancellationToken);
        return escalated;
    }
}
