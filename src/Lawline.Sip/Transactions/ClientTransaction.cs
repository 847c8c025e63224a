using System.Net;
using Lawline.Sip.Messages;

namespace Lawline.Sip.Transactions;

/// <summary>
/// A client transaction (RFC 3261 §17.1): INVITE (§17.1.1 with RFC 6026's Accepted state) or non-INVITE
/// (§17.1.2). Provisional responses go to <see cref="Provisional"/>; the first final response completes
/// <see cref="FinalResponse"/>. A timeout completes it with a synthetic 408 and a transport failure with 503
/// (§8.1.3.1), so callers have one thing to await.
/// </summary>
public sealed class ClientTransaction : SipTransaction
{
    private readonly TaskCompletionSource<SipResponse> final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SipRequest? ack;

    internal ClientTransaction(SipTransactionLayer layer, SipRequest request, string key, IPEndPoint destination)
        : base(layer, request, key)
    {
        Destination = destination;
        IsInvite = request.Method == SipMethods.Invite;
        State = IsInvite ? TransactionState.Calling : TransactionState.Trying;
    }

    public IPEndPoint Destination { get; }

    public bool IsInvite { get; }

    public Task<SipResponse> FinalResponse => final.Task;

    /// <summary>Called for each 1xx (outside any lock).</summary>
    public Action<SipResponse>? Provisional { get; init; }

    /// <summary>RFC 6026 §7.2: retransmitted 2xx to an INVITE go to the TU, which re-sends its ACK.</summary>
    public Action<SipResponse>? SuccessRetransmitted { get; init; }

    internal void Start()
    {
        lock (Gate)
        {
            Send(Request, Destination, OnTransportError);
            // Timer A (INVITE) or E (non-INVITE) starts at T1; B or F bound the whole attempt at 64*T1.
            SetRetransmit(Timers.T1);
            SetLifetime(Timers.SixtyFourT1);
        }
    }

    internal void OnResponse(SipResponse response)
    {
        Action? after = null;
        lock (Gate)
        {
            after = IsInvite ? OnInviteResponse(response) : OnNonInviteResponse(response);
        }

        after?.Invoke();
    }

    private Action? OnInviteResponse(SipResponse response)
    {
        switch (State)
        {
            case TransactionState.Calling or TransactionState.Proceeding when response.IsProvisional:
                State = TransactionState.Proceeding;
                // §17.1.1.2: a provisional response stops retransmissions; the INVITE may ring for minutes,
                // so Timer B no longer applies (the TU bounds ringing with its own no-answer timeout).
                SetRetransmit(null);
                SetLifetime(null);
                return Provisional is { } provisional ? () => provisional(response) : null;

            case TransactionState.Calling or TransactionState.Proceeding when response.IsSuccess:
                State = TransactionState.Accepted;
                SetRetransmit(null);
                SetLifetime(Timers.SixtyFourT1); // Timer M
                return () => final.TrySetResult(response);

            case TransactionState.Calling or TransactionState.Proceeding:
                State = TransactionState.Completed;
                SetRetransmit(null);
                ack = CreateAckForFailure(response);
                Send(ack, Destination);
                SetLifetime(Timers.TimerD);
                return () => final.TrySetResult(response);

            case TransactionState.Accepted when response.IsSuccess:
                return SuccessRetransmitted is { } retransmitted ? () => retransmitted(response) : null;

            case TransactionState.Completed when response.StatusCode >= 300 && ack is not null:
                // §17.1.1.2: a retransmitted final response is answered with the same ACK, not passed up.
                Send(ack, Destination);
                return null;

            default:
                return null;
        }
    }

    private Action? OnNonInviteResponse(SipResponse response)
    {
        switch (State)
        {
            case TransactionState.Trying or TransactionState.Proceeding when response.IsProvisional:
                State = TransactionState.Proceeding;
                return Provisional is { } provisional ? () => provisional(response) : null;

            case TransactionState.Trying or TransactionState.Proceeding:
                State = TransactionState.Completed;
                SetRetransmit(null);
                SetLifetime(Timers.T4); // Timer K
                return () => final.TrySetResult(response);

            default:
                return null;
        }
    }

    protected override void OnRetransmitTimer()
    {
        switch (State)
        {
            case TransactionState.Calling:
                // Timer A doubles without a cap (§17.1.1.2).
                Send(Request, Destination, OnTransportError);
                SetRetransmit(RetransmitInterval * 2);
                break;
            case TransactionState.Trying:
                // Timer E doubles up to T2 (§17.1.2.2).
                Send(Request, Destination, OnTransportError);
                SetRetransmit(Min(RetransmitInterval * 2, Timers.T2));
                break;
            case TransactionState.Proceeding when !IsInvite:
                Send(Request, Destination, OnTransportError);
                SetRetransmit(Timers.T2);
                break;
        }
    }

    protected override Action? OnLifetimeExpired()
    {
        var timedOut = State is TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding;
        Terminate();
        return timedOut ? () => final.TrySetResult(Synthetic(408, "Request Timeout")) : null;
    }

    private void OnTransportError(Exception exception)
    {
        lock (Gate)
        {
            if (State is TransactionState.Terminated or TransactionState.Completed or TransactionState.Accepted)
            {
                return;
            }

            Terminate();
        }

        final.TrySetResult(Synthetic(503, "Service Unavailable"));
    }

    /// <summary>Called by the layer when it shuts down.</summary>
    internal void Abort()
    {
        lock (Gate)
        {
            if (State != TransactionState.Terminated)
            {
                Terminate();
            }
        }

        final.TrySetResult(Synthetic(503, "Service Unavailable"));
    }

    private SipResponse Synthetic(int status, string reason)
    {
        var response = Request.CreateResponse(status, reason);
        response.Headers.Set("X-Lawline-Local", "1");
        return response;
    }

    /// <summary>
    /// RFC 3261 §17.1.1.3: the ACK for a non-2xx final response has the INVITE's Request-URI, top Via, From,
    /// Call-ID, CSeq number and Route headers, and the response's To (with its tag).
    /// </summary>
    private SipRequest CreateAckForFailure(SipResponse response)
    {
        var ackRequest = new SipRequest(SipMethods.Ack, Request.Uri);
        ackRequest.Headers.Add(HeaderNames.Via, Request.Headers.Values(HeaderNames.Via)[0]);
        ackRequest.Headers.Add(HeaderNames.MaxForwards, "70");
        ackRequest.Headers.Add(HeaderNames.From, Request.Headers[HeaderNames.From]!);
        ackRequest.Headers.Add(HeaderNames.To, response.Headers[HeaderNames.To]!);
        ackRequest.Headers.Add(HeaderNames.CallId, Request.CallId);
        ackRequest.Headers.Add(HeaderNames.CSeq, new CSeqHeader(Request.CSeq.Number, SipMethods.Ack).ToString());
        foreach (var route in Request.Headers.Lines(HeaderNames.Route))
        {
            ackRequest.Headers.Add(HeaderNames.Route, route);
        }

        return ackRequest;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
