using System.Net;
using Lawline.Sip.Messages;

namespace Lawline.Sip.Transactions;

public enum TransactionState
{
    Calling,
    Trying,
    Proceeding,
    /// <summary>RFC 6026 §7.1: a 2xx was sent or received for an INVITE; retransmissions are absorbed.</summary>
    Accepted,
    Completed,
    Confirmed,
    Terminated,
}

/// <summary>
/// Common shape of the four RFC 3261 §17 state machines. Each transaction owns exactly one
/// <see cref="ITimer"/> from the <see cref="TimeProvider"/>, re-armed for the earliest of its two pending
/// deadlines: the retransmission timer (A, E or G) and the lifetime timer (B, D, F, H, I, J, K, L or M).
/// No thread polls transactions; a quiet transaction costs nothing.
/// </summary>
public abstract class SipTransaction
{
    private readonly ITimer timer;
    private DateTimeOffset? retransmitAt;
    private DateTimeOffset? lifetimeAt;

    protected SipTransaction(SipTransactionLayer layer, SipRequest request, string key)
    {
        Layer = layer;
        Request = request;
        Key = key;
        timer = layer.Time.CreateTimer(static state => ((SipTransaction)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    protected SipTransactionLayer Layer { get; }

    protected Lock Gate { get; } = new();

    public SipRequest Request { get; }

    public string Key { get; }

    public TransactionState State { get; protected set; }

    public string Method => Request.Method;

    protected TimeSpan RetransmitInterval { get; set; }

    protected SipTimerSettings Timers => Layer.Timers;

    /// <summary>Arms the retransmission timer (A, E, G) to fire after <paramref name="delay"/>.</summary>
    protected void SetRetransmit(TimeSpan? delay)
    {
        RetransmitInterval = delay ?? TimeSpan.Zero;
        retransmitAt = delay is { } d ? Layer.Time.GetUtcNow() + d : null;
        Rearm();
    }

    /// <summary>Arms the lifetime timer (B, D, F, H, I, J, K, L, M).</summary>
    protected void SetLifetime(TimeSpan? delay)
    {
        lifetimeAt = delay is { } d ? Layer.Time.GetUtcNow() + d : null;
        Rearm();
    }

    private void Rearm()
    {
        var next = (retransmitAt, lifetimeAt) switch
        {
            (null, null) => (DateTimeOffset?)null,
            ({ } r, null) => r,
            (null, { } l) => l,
            ({ } r, { } l) => r < l ? r : l,
        };
        if (next is null)
        {
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = next.Value - Layer.Time.GetUtcNow();
        timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        Action? after = null;
        lock (Gate)
        {
            if (State == TransactionState.Terminated)
            {
                return;
            }

            var now = Layer.Time.GetUtcNow();
            if (lifetimeAt is { } lifetime && lifetime <= now)
            {
                lifetimeAt = null;
                retransmitAt = null;
                after = OnLifetimeExpired();
            }
            else if (retransmitAt is { } retransmit && retransmit <= now)
            {
                retransmitAt = null;
                OnRetransmitTimer();
            }

            if (State != TransactionState.Terminated)
            {
                Rearm();
            }
        }

        after?.Invoke();
    }

    /// <summary>Timer A, E or G fired (under the lock).</summary>
    protected abstract void OnRetransmitTimer();

    /// <summary>A lifetime timer fired (under the lock); returns a callback to run outside the lock.</summary>
    protected abstract Action? OnLifetimeExpired();

    protected void Terminate()
    {
        State = TransactionState.Terminated;
        retransmitAt = null;
        lifetimeAt = null;
        timer.Dispose();
        Layer.Remove(this);
    }

    protected void Send(SipMessage message, IPEndPoint destination, Action<Exception>? onError = null) =>
        Layer.SendQuietly(message, destination, onError);
}
