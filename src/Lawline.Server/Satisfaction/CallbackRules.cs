using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Satisfaction;

/// <summary>Reads and sets a platform's 回访 rule (platform managers and administrators, within their platforms).</summary>
public sealed class CallbackRules(AppDbContext db, RatingRecorder recorder, TimeProvider clock)
{
    public const int MaxDeadlineWorkingDays = 30;
    public const int MaxMaxAttempts = 10;

    public async Task<CallbackRuleDto> GetAsync(int platformId, CancellationToken cancellationToken)
    {
        await EnsureVisibleAsync(platformId, cancellationToken);
        return await recorder.RuleAsync(db, platformId, cancellationToken);
    }

    public async Task<CallbackRuleDto> SaveAsync(int platformId, SaveCallbackRuleRequest request, CancellationToken cancellationToken)
    {
        await EnsureVisibleAsync(platformId, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var ratings = (request.Ratings ?? []).Distinct().ToList();
        if (ratings.Any(r => !Enum.IsDefined(r)))
        {
            errors["ratings"] = ["Ratings are some of Satisfied, BasicallySatisfied and Dissatisfied."];
        }

        if (request.DeadlineWorkingDays is < 0 or > MaxDeadlineWorkingDays)
        {
            errors["deadlineWorkingDays"] = [$"The deadline is 0 to {MaxDeadlineWorkingDays} working days."];
        }

        if (request.MaxAttempts is < 1 or > MaxMaxAttempts)
        {
            errors["maxAttempts"] = [$"The attempts before \"unreachable\" are 1 to {MaxMaxAttempts}."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            var row = await db.CallbackRules.SingleOrDefaultAsync(r => r.PlatformId == platformId, cancellationToken);
            if (row is null)
            {
                row = new CallbackRule { PlatformId = platformId };
                db.CallbackRules.Add(row);
            }

            row.Ratings = string.Join(',', ratings.Order());
            row.DeadlineWorkingDays = request.DeadlineWorkingDays;
            row.MaxAttempts = request.MaxAttempts;
            row.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return await recorder.RuleAsync(db, platformId, cancellationToken);
    }

    private async Task EnsureVisibleAsync(int platformId, CancellationToken cancellationToken)
    {
        if (!await db.Platforms.AsNoTracking().AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            throw new NotFoundException("Platform", platformId);
        }
    }
}
