using Lawline.Server.Common;
using Lawline.Server.Data;
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

    /// <summary>Whether the number called the platform since <paramref name="since"/>, other than in this call (repeat callers).</summary>
    public Task<bool> CalledBeforeAsync(int platformId, string callerNumber, long thisCall, DateTimeOffset since, CancellationToken cancellationToken) =>
        scopes.ReadAsSystemAsync("call-flow", db => db.CallRecords.AnyAsync(r =>
            r.PlatformId == platformId && r.CallerNumber == callerNumber && r.Id != thisCall && r.Channel == CallChannel.Inbound && r.ArrivedAt >= since, cancellationToken), cancellationToken);

    /// <summary>Stores the rating on the call and on the work order bound to it, if any.</summary>
    public Task RateAsync(long id, CallRating rating, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync(async db =>
        {
            var record = await db.CallRecords.SingleAsync(r => r.Id == id, cancellationToken);
            record.Rating = rating;
            record.RatedAt = at;
            if (record.WorkOrderId is { } workOrderId && await db.WorkOrders.SingleOrDefaultAsync(w => w.Id == workOrderId, cancellationToken) is { } workOrder)
            {
                workOrder.Rate(rating, at);
            }
        }, cancellationToken);

    public Task<CallRecord?> FindAsync(long id, CancellationToken cancellationToken = default) =>
        scopes.ReadAsSystemAsync("call-flow", db => db.CallRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken), cancellationToken);

    private Task WriteAsync(Func<AppDbContext, Task> change, CancellationToken cancellationToken) =>
        scopes.WriteAsSystemAsync("call-flow", change, cancellationToken);

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
