using System.Net;
using Lawline.Sip.Messages;

namespace Lawline.Sip.Transactions;

/// <summary>
/// A server transaction (RFC 3261 §17.2): INVITE (§17.2.1 with RFC 6026's Accepted state) or non-INVITE
/// (§17.2.2). The TU answers with <see cref="Respond"/>; retransmitted requests are absorbed and answered
/// with the last response. For INVITE the transaction also retransmits a 2xx until the dialog sees the ACK
/// (RFC 3261 §13.3.1.4 gives that to the UAS core; keeping it here keeps one timer per exchange).
/// </summary>
public sealed class ServerTransaction : SipTransaction
{
    private SipResponse? lastResponse;
    private IPEndPoint? responseDestination;

    internal ServerTransaction(SipTransactionLayer layer, SipRequest request, string key, IPEndPoint source)
        : base(layer, request, key)
    {
        Source = source;
        IsInvite = request.Method == SipMethods.Invite;
        State = IsInvite ? TransactionState.Proceeding : TransactionState.Trying;
    }

    /// <summary>Where the request came from (the transport's real source, before any Via).</summary>
    public IPEndPoint Source { get; }

    public bool IsInvite { get; }

    public bool HasFinalResponse => lastResponse is { IsProvisional: false };

    public SipResponse? LastResponse => lastResponse;

    /// <summary>Raised (outside the lock) when an INVITE's 2xx was never acknowledged (Timer L, RFC 6026).</summary>
    public Action? AckTimedOut { get; set; }

    /// <summary>Raised when a CANCEL for this INVITE arrives before a final response (RFC 3261 §9.2).</summary>
    public Action? Cancelled { get; set; }

    public bool IsCancelled { get; private set; }

    public void Respond(SipResponse response)
    {
        lock (Gate)
        {
            if (State is TransactionState.Terminated or TransactionState.Completed or TransactionState.Confirmed or TransactionState.Accepted)
            {
                return;
            }

            lastResponse = response;
            responseDestination ??= DestinationFor(response);
            Send(response, responseDestination);
            if (response.IsProvisional)
            {
                if (!IsInvite)
                {
                    State = TransactionState.Proceeding;
                }

                return;
            }

            if (IsInvite && response.IsSuccess)
            {
                State = TransactionState.Accepted;
                SetRetransmit(Timers.T1);
                SetLifetime(Timers.SixtyFourT1); // Timer L
            }
            else if (IsInvite)
            {
                State = TransactionState.Completed;
                SetRetransmit(Timers.T1); // Timer G
                SetLifetime(Timers.SixtyFourT1); // Timer H
            }
            else
            {
                State = TransactionState.Completed;
                SetLifetime(Timers.SixtyFourT1); // Timer J
            }
        }
    }

    /// <summary>
    /// Responses go back to where the request came from (RFC 3581 §4; the transport stamped received/rport),
    /// which also works for phones that put a private address in Via.
    /// </summary>
    private IPEndPoint DestinationFor(SipResponse response)
    {
        try
        {
            var via = response.TopVia;
            if (via.HasRport || via.Received is not null)
            {
                return Transport.SipUdpTransport.ResponseDestination(response);
            }
        }
        catch (Exception exception) when (exception is SipParseException or Transport.SipTransportException)
        {
        }

        return Source;
    }

    /// <summary>A retransmission of the request arrived.</summary>
    internal void OnRetransmittedRequest()
    {
        lock (Gate)
        {
            // §17.2.1/§17.2.2: resend the most recent response. In Accepted the 2xx is retransmitted by the
            // timer already; RFC 6026 §8.7 says a retransmitted INVITE is absorbed there.
            if (lastResponse is not null && responseDestination is not null
                && State is TransactionState.Proceeding or TransactionState.Completed)
            {
                Send(lastResponse, responseDestination);
            }
        }
    }

    /// <summary>An ACK matched this INVITE transaction (non-2xx case) or the dialog saw the 2xx ACK.</summary>
    internal void OnAck()
    {
        lock (Gate)
        {
            if (State == TransactionState.Completed)
            {
                State = TransactionState.Confirmed;
                SetRetransmit(null);
                SetLifetime(Timers.T4); // Timer I
            }
            else if (State == TransactionState.Accepted)
            {
                // The 2xx is acknowledged: stop retransmitting it, stay until Timer L to absorb INVITE copies.
                SetRetransmit(null);
                lastResponse = null;
            }
        }
    }

    internal bool TryCancel()
    {
        Action? cancelled;
        lock (Gate)
        {
            if (!IsInvite || HasFinalResponse || State != TransactionState.Proceeding)
            {
                return false;
            }

            IsCancelled = true;
            cancelled = Cancelled;
        }

        cancelled?.Invoke();
        return true;
    }

    protected override void OnRetransmitTimer()
    {
        if (lastResponse is null || responseDestination is null)
        {
            return;
        }

        if (State is TransactionState.Completed or TransactionState.Accepted)
        {
            // Timer G (and the 2xx retransmission of §13.3.1.4): T1 doubling up to T2.
            Send(lastResponse, responseDestination);
            var next = RetransmitInterval * 2;
            SetRetransmit(next < Timers.T2 ? next : Timers.T2);
        }
    }

    protected override Action? OnLifetimeExpired()
    {
        var unacknowledged2xx = State == TransactionState.Accepted && lastResponse is not null;
        Terminate();
        return unacknowledged2xx && AckTimedOut is { } timedOut ? timedOut : null;
    }

    internal void Abort()
    {
        lock (Gate)
        {
            if (State != TransactionState.Terminated)
            {
                Terminate();
            }
        }
    }
}
