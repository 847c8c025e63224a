using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing;

/// <summary>
/// Writes call records step by step for the call flow, which acts for no signed-in person: each step is its own
/// short write in a scope acting as the system, so a record always holds everything up to the last step.
/// </summary>
public sealed class CallRecordStore(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<long> OpenAsync(int platformId, CallChannel channel, string callerLeg, string sipCallId, string callerNumber, string dialedNumber, CancellationToken cancellationToken)
    {
        var record = new CallRecord
        {
            PlatformId = platformId,
            Channel = channel,
            CallerLeg = callerLeg,
            SipCallId = Truncate(sipCallId, 128),
            CallerNumber = Truncate(callerNumber, 32),
            DialedNumber = Truncate(dialedNumber, 32),
            ArrivedAt = time.GetUtcNow(),
        };
        if (PhoneNumberFormatter.TryNormalize(callerNumber, out var number) && number is not null)
        {
            // Region from the number itself (libphonenumber's offline geocoder): the out-of-region share needs it.
            record.CallerNumber = number.E164;
            record.CallerProvince = number.Province;
            record.CallerCity = number.City;
        }

        await WriteAsync(db =>
        {
            db.CallRecords.Add(record);
            return Task.CompletedTask;
        }, cancellationToken);
        return record.Id;
    }

    /// <summary>Applies one step (answered, queued, rated…) to the record.</summary>
    public Task UpdateAsync(long id, Action<CallRecord> step, CancellationToken cancellationToken = default) =>
        WriteAsync(async db =>
        {
            var record = await db.CallRecords.SingleAsync(r => r.Id == id, cancellationToken);
            step(record);
        }, cancellationToken);

    public async Task<CallRecord?> FindAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("call-flow");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.CallRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
    }

    private async Task WriteAsync(Func<AppDbContext, Task> change, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("call-flow");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await change(db);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
