using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing;

/// <summary>
/// Writes callback tasks for the call flow (acting as the system): created when a caller asks for a callback, leaves
/// a voicemail or gives a low rating; merged when the same number asks again while one is pending; updated as the
/// router offers, retries, completes or gives up the callback.
/// </summary>
public sealed class CallbackTaskStore(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<int> CreateAsync(int platformId, CallbackKind kind, string callerNumber, long? callRecordId, string? skillCode, DateTimeOffset? dueAt, CancellationToken cancellationToken = default)
    {
        var task = new CallbackTask
        {
            PlatformId = platformId,
            Kind = kind,
            Status = CallbackStatus.Pending,
            CallerNumber = callerNumber.Length <= 32 ? callerNumber : callerNumber[..32],
            CallRecordId = callRecordId,
            SkillCode = skillCode,
            CreatedAt = time.GetUtcNow(),
            DueAt = dueAt,
        };
        await WriteAsync(db =>
        {
            db.CallbackTasks.Add(task);
            return Task.CompletedTask;
        }, cancellationToken);
        return task.Id;
    }

    /// <summary>Whether the number already has a callback owed by the platform (not done or cancelled).</summary>
    public Task<bool> HasOpenAsync(int platformId, string callerNumber, CancellationToken cancellationToken = default) =>
        scopes.ReadAsSystemAsync("call-flow", db => db.CallbackTasks.AnyAsync(t => t.PlatformId == platformId && t.CallerNumber == callerNumber
            && (t.Status == CallbackStatus.Pending || t.Status == CallbackStatus.Calling || t.Status == CallbackStatus.Expired), cancellationToken), cancellationToken);

    /// <summary>Applies one step to the task (merged request, attempt, done, expired).</summary>
    public Task UpdateAsync(int id, Action<CallbackTask> step, CancellationToken cancellationToken = default) =>
        WriteAsync(async db =>
        {
            if (await db.CallbackTasks.SingleOrDefaultAsync(t => t.Id == id, cancellationToken) is { } task)
            {
                step(task);
            }
        }, cancellationToken);

    /// <summary>The caller got through after all: the missed-call callbacks still pending for the number are done.</summary>
    public Task CloseAbandonedAsync(int platformId, string callerNumber, long answeredCallId, CancellationToken cancellationToken = default) =>
        WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            foreach (var task in await db.CallbackTasks.Where(t => t.PlatformId == platformId && t.CallerNumber == callerNumber
                         && t.Kind == CallbackKind.Abandoned && t.Status == CallbackStatus.Pending).ToListAsync(cancellationToken))
            {
                task.Status = CallbackStatus.Done;
                task.CompletedAt = now;
                task.CompletedByCallRecordId = answeredCallId;
                task.Note = "来电人再次来电，已接通";
            }
        }, cancellationToken);

    /// <summary>Callbacks the router should still place (after a restart): pending or interrupted, not yet due.</summary>
    public async Task<IReadOnlyList<CallbackTask>> OutstandingAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = await scopes.ReadAsSystemAsync("call-flow", db => db.CallbackTasks.AsNoTracking()
            .Where(t => t.Kind != CallbackKind.LowRating && t.Kind != CallbackKind.Abandoned && (t.Status == CallbackStatus.Pending || t.Status == CallbackStatus.Calling))
            .OrderBy(t => t.Id)
            .ToListAsync(cancellationToken), cancellationToken);
        return [.. open.Where(t => t.DueAt is null || t.DueAt > now)];
    }

    public Task<CallbackTask?> FindAsync(int id, CancellationToken cancellationToken = default) =>
        scopes.ReadAsSystemAsync("call-flow", db => db.CallbackTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken), cancellationToken);

    private Task WriteAsync(Func<AppDbContext, Task> change, CancellationToken cancellationToken) =>
        scopes.WriteAsSystemAsync("call-flow", change, cancellationToken);
}
