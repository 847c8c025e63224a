using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Lawline.Sip.Messages;
using Lawline.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Transactions;

/// <summary>What the transaction layer hands to the transaction user (the dialog/B2BUA core).</summary>
public interface ISipTransactionUser
{
    /// <summary>A new request (not a retransmission, not an ACK, not a CANCEL) with its server transaction.</summary>
    void OnRequest(ServerTransaction transaction);

    /// <summary>An ACK that matched no INVITE server transaction in Completed: the ACK for a 2xx (its own transaction).</summary>
    void OnAck(SipRequest ack, IPEndPoint source);

    /// <summary>A response that matched no client transaction (e.g. a 2xx retransmitted after Timer M).</summary>
    void OnStrayResponse(SipResponse response, IPEndPoint source);
}

/// <summary>
/// Matches messages to transactions (RFC 3261 §17.1.3, §17.2.3, with the RFC 2543 fallback) and creates them.
/// CANCEL is answered here (§9.2): 200 when the INVITE is found, 481 otherwise, and the INVITE's transaction
/// is told so the TU answers it 487.
/// </summary>
public sealed partial class SipTransactionLayer
{
    private readonly ConcurrentDictionary<string, ClientTransaction> clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServerTransaction> servers = new(StringComparer.Ordinal);
    private readonly SipUdpTransport transport;
    private readonly ILogger logger;
    private ISipTransactionUser? user;

    public SipTransactionLayer(SipUdpTransport transport, TimeProvider time, SipTimerSettings timers, ILogger<SipTransactionLayer> logger)
    {
        this.transport = transport;
        this.logger = logger;
        Time = time;
        Timers = timers;
    }

    public TimeProvider Time { get; }

    public SipTimerSettings Timers { get; }

    public SipUdpTransport Transport => transport;

    public int ActiveTransactions => clients.Count + servers.Count;

    public void Start(ISipTransactionUser transactionUser)
    {
        user = transactionUser;
        transport.Start(OnMessage, OnMalformed);
    }

    /// <summary>A new branch with the RFC 3261 magic cookie (§8.1.1.7).</summary>
    public static string NewBranch() => ViaHeader.MagicCookie + RandomToken(10);

    public static string RandomToken(int bytes = 8) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Our Via for a new request; rport asks the peer to answer to our real source (RFC 3581).</summary>
    public string CreateVia(string branch) => $"SIP/2.0/UDP {transport.ViaHost}:{transport.Port};rport;branch={branch}";

    public ClientTransaction SendRequest(SipRequest request, IPEndPoint destination, Action<SipResponse>? provisional = null, Action<SipResponse>? successRetransmitted = null)
    {
        if (request.Method == SipMethods.Ack)
        {
            throw new InvalidOperationException("An ACK for a 2xx is sent with SendAck, outside any transaction.");
        }

        var key = ClientKey(request.TopVia.Branch ?? throw new InvalidOperationException("The request has no branch."), request.Method);
        var transaction = new ClientTransaction(this, request, key, destination)
        {
            Provisional = provisional,
            SuccessRetransmitted = successRetransmitted,
        };
        clients[key] = transaction;
        transaction.Start();
        return transaction;
    }

    /// <summary>RFC 3261 §13.2.2.4: the ACK for a 2xx is sent by the UAC core directly to the transport.</summary>
    public void SendAck(SipRequest ack, IPEndPoint destination) => SendQuietly(ack, destination, null);

    /// <summary>Sends a response without a server transaction (a stateless 400 for a broken request).</summary>
    public void SendStateless(SipResponse response, IPEndPoint destination) => SendQuietly(response, destination, null);

    internal void SendQuietly(SipMessage message, IPEndPoint destination, Action<Exception>? onError)
    {
        var pending = transport.SendAsync(message, destination);
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        _ = AwaitSend(pending, onError);
    }

    private static async Task AwaitSend(ValueTask pending, Action<Exception>? onError)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (SipTransportException exception)
        {
            onError?.Invoke(exception);
        }
    }

    internal void Remove(SipTransaction transaction)
    {
        if (transaction is ClientTransaction)
        {
            clients.TryRemove(new KeyValuePair<string, ClientTransaction>(transaction.Key, (ClientTransaction)transaction));
        }
        else
        {
            servers.TryRemove(new KeyValuePair<string, ServerTransaction>(transaction.Key, (ServerTransaction)transaction));
        }
    }

    private void OnMessage(InboundMessage inbound)
    {
        switch (inbound.Message)
        {
            case SipResponse response:
                OnResponse(response, inbound.Source);
                break;
            case SipRequest request:
                OnRequest(request, inbound.Source);
                break;
        }
    }

    private void OnMalformed(IPEndPoint source, SipRequest? request, string reason)
    {
        // RFC 3261 §16.3/§8.2: answer a broken request 400 when there is enough of it to address a response.
        if (request is null || request.Method == SipMethods.Ack)
        {
            return;
        }

        try
        {
            var response = request.CreateResponse(400, "Bad Request");
            response.Headers.Add("Warning", $"399 lawline \"{reason.Replace("\"", "'", StringComparison.Ordinal)}\"");
            SendStateless(response, source);
        }
        catch (SipParseException)
        {
            // Not enough of the request survives to answer it; drop it silently.
        }
    }

    private void OnResponse(SipResponse response, IPEndPoint source)
    {
        var via = response.TopVia;
        if (via.Branch is { } branch && clients.TryGetValue(ClientKey(branch, response.CSeq.Method), out var transaction))
        {
            transaction.OnResponse(response);
            return;
        }

        user?.OnStrayResponse(response, source);
    }

    private void OnRequest(SipRequest request, IPEndPoint source)
    {
        var method = request.Method;
        var key = ServerKey(request, method == SipMethods.Ack ? SipMethods.Invite : method);
        if (method == SipMethods.Ack)
        {
            if (servers.TryGetValue(key, out var invite) && invite.State == TransactionState.Completed)
            {
                invite.OnAck();
                return;
            }

            user?.OnAck(request, source);
            return;
        }

        if (servers.TryGetValue(key, out var existing))
        {
            existing.OnRetransmittedRequest();
            return;
        }

        var transaction = new ServerTransaction(this, request, key, source);
        if (!servers.TryAdd(key, transaction))
        {
            servers[key].OnRetransmittedRequest();
            return;
        }

        if (method == SipMethods.Cancel)
        {
            // §9.2: the CANCEL matches the INVITE's server transaction by the same branch/sent-by.
            var found = servers.TryGetValue(ServerKey(request, SipMethods.Invite), out var inviteTransaction);
            transaction.Respond(request.CreateResponse(found ? 200 : 481));
            if (found)
            {
                inviteTransaction!.TryCancel();
            }

            return;
        }

        if (user is null)
        {
            transaction.Respond(request.CreateResponse(503));
            return;
        }

        user.OnRequest(transaction);
    }

    /// <summary>Marks the INVITE transaction that a 2xx ACK belongs to as acknowledged (stops 2xx retransmission).</summary>
    public void AcknowledgeInvite(ServerTransaction invite) => invite.OnAck();

    private static string ClientKey(string branch, string method) => string.Concat(branch, "|", method);

    /// <summary>
    /// RFC 3261 §17.2.3: branch + sent-by + method when the branch has the magic cookie; otherwise the RFC 2543
    /// fallback of Request-URI-independent fields (Call-ID, From tag, CSeq number, top Via).
    /// </summary>
    private static string ServerKey(SipRequest request, string method)
    {
        var via = request.TopVia;
        var sentBy = via.Port is { } port ? $"{via.Host}:{port}" : via.Host;
        if (via.Branch is { } branch && branch.StartsWith(ViaHeader.MagicCookie, StringComparison.Ordinal))
        {
            return string.Concat(branch, "|", sentBy, "|", method);
        }

        return string.Join('|', "2543", request.CallId, request.From.Tag, request.CSeq.Number, sentBy, method);
    }

    public void AbortAll()
    {
        foreach (var transaction in clients.Values)
        {
            transaction.Abort();
        }

        foreach (var transaction in servers.Values)
        {
            transaction.Abort();
        }
    }
}
