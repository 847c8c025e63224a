using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lawline.Sip.Messages;
using Lawline.Sip.Transactions;
using Lawline.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Sip.Tests.Transactions;

/// <summary>
/// RFC 3261 §17 and RFC 6026 timers, driven by a fake clock over real UDP: every retransmission and timeout
/// happens exactly when the RFC says, and only because the clock moved.
/// </summary>
public sealed class TransactionTimerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingUser user = new();
    private readonly Socket peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private SipUdpTransport transport = null!;
    private SipTransactionLayer layer = null!;

    private IPEndPoint PeerEndPoint => (IPEndPoint)peer.LocalEndPoint!;

    public Task InitializeAsync()
    {
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        transport = new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0), null, NullLogger<SipUdpTransport>.Instance);
        layer = new SipTransactionLayer(transport, clock, new SipTimerSettings(), NullLogger<SipTransactionLayer>.Instance);
        layer.Start(user);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        layer.AbortAll();
        await transport.DisposeAsync();
        peer.Dispose();
    }

    [Fact]
    public async Task An_unanswered_invite_is_retransmitted_on_timer_A_doubling_and_times_out_with_408_on_timer_B()
    {
        var transaction = layer.SendRequest(Request(SipMethods.Invite), PeerEndPoint);
        var sentAt = new List<double> { 0 };
        await ReceiveAsync();

        // Timer A: T1, 2·T1, 4·T1 … after the previous send; no cap for INVITE (§17.1.1.2).
        foreach (var seconds in new[] { 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 })
        {
            await AdvanceToAsync(seconds - 0.001);
            await AssertNothingAsync();
            await AdvanceToAsync(seconds);
            await ReceiveAsync();
            sentAt.Add(seconds);
        }

        Assert.False(transaction.FinalResponse.IsCompleted);
        await AdvanceToAsync(32); // Timer B = 64·T1
        var response = await transaction.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(408, response.StatusCode);
        Assert.Equal(7, sentAt.Count);
        Assert.Equal(0, layer.ActiveTransactions);
    }

    [Fact]
    public async Task A_non_invite_request_is_retransmitted_on_timer_E_capped_at_T2_and_times_out_on_timer_F()
    {
        var transaction = layer.SendRequest(Request(SipMethods.Options), PeerEndPoint);
        await ReceiveAsync();
        // Timer E doubles up to T2 = 4 s (§17.1.2.2): 0.5, 1.5, 3.5, then every 4 s.
        foreach (var seconds in new[] { 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 })
        {
            await AdvanceToAsync(seconds - 0.001);
            await AssertNothingAsync();
            await AdvanceToAsync(seconds);
            await ReceiveAsync();
        }

        await AdvanceToAsync(32); // Timer F
        Assert.Equal(408, (await transaction.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
    }

    [Fact]
    public async Task A_provisional_response_stops_invite_retransmission_and_a_busy_is_acked_once_per_copy_then_timer_D_ends_it()
    {
        var invite = Request(SipMethods.Invite);
        var transaction = layer.SendRequest(invite, PeerEndPoint);
        await ReceiveAsync();
        await SendAsync(Response(invite, 180));
        await Eventually(() => transaction.State == TransactionState.Proceeding);
        await AdvanceToAsync(10);
        await AssertNothingAsync(); // no retransmission in Proceeding, and no Timer B

        await SendAsync(Response(invite, 486));
        var ack = (SipRequest)await ReceiveAsync();
        Assert.Equal(SipMethods.Ack, ack.Method);
        Assert.Equal(invite.TopVia.Branch, ack.TopVia.Branch); // §17.1.1.3: same branch as the INVITE
        Assert.Equal(486, (await transaction.FinalResponse).StatusCode);

        await SendAsync(Response(invite, 486)); // the 486 again: our ACK was lost
        Assert.Equal(SipMethods.Ack, ((SipRequest)await ReceiveAsync()).Method);
        await AdvanceToAsync(10 + 31.9);
        Assert.Equal(TransactionState.Completed, transaction.State);
        await AdvanceToAsync(10 + 32); // Timer D
        Assert.Equal(TransactionState.Terminated, transaction.State);
    }

    [Fact]
    public async Task A_2xx_moves_the_invite_to_accepted_retransmitted_2xx_reach_the_dialog_and_timer_M_ends_it()
    {
        var invite = Request(SipMethods.Invite);
        var retransmitted = 0;
        var transaction = layer.SendRequest(invite, PeerEndPoint, successRetransmitted: _ => Interlocked.Increment(ref retransmitted));
        await ReceiveAsync();
        await SendAsync(Response(invite, 200));
        Assert.Equal(200, (await transaction.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
        Assert.Equal(TransactionState.Accepted, transaction.State);

        await SendAsync(Response(invite, 200));
        await Eventually(() => Volatile.Read(ref retransmitted) == 1);
        await AdvanceToAsync(32); // Timer M = 64·T1 (RFC 6026 §8.4)
        Assert.Equal(TransactionState.Terminated, transaction.State);
    }

    [Fact]
    public async Task A_server_busy_is_retransmitted_on_timer_G_until_the_ack_then_absorbed_until_timer_I()
    {
        var invite = Request(SipMethods.Invite, viaHost: "127.0.0.1", viaPort: PeerEndPoint.Port);
        await SendAsync(invite);
        var server = await user.NextAsync();
        server.Respond(server.Request.CreateResponse(486, null, "t1"));
        Assert.Equal(486, ((SipResponse)await ReceiveAsync()).StatusCode);

        // Timer G: T1, then doubling to T2 (§17.2.1).
        foreach (var seconds in new[] { 0.5, 1.5, 3.5, 7.5 })
        {
            await AdvanceToAsync(seconds - 0.001);
            await AssertNothingAsync();
            await AdvanceToAsync(seconds);
            Assert.Equal(486, ((SipResponse)await ReceiveAsync()).StatusCode);
        }

        await SendAsync(AckFor(invite, "t1"));
        await Eventually(() => server.State == TransactionState.Confirmed);
        await AdvanceToAsync(11.5);
        await AssertNothingAsync(); // Confirmed: no more 486
        await SendAsync(invite); // a late INVITE copy is absorbed
        await AssertNothingAsync();
        await AdvanceToAsync(7.5 + 5); // Timer I = T4 after the ACK
        Assert.Equal(TransactionState.Terminated, server.State);
        Assert.Single(user.Requests);
    }

    [Fact]
    public async Task A_server_busy_that_is_never_acked_ends_on_timer_H()
    {
        var invite = Request(SipMethods.Invite, viaHost: "127.0.0.1", viaPort: PeerEndPoint.Port);
        await SendAsync(invite);
        var server = await user.NextAsync();
        server.Respond(server.Request.CreateResponse(486, null, "t1"));
        await AdvanceToAsync(31.9);
        Assert.Equal(TransactionState.Completed, server.State);
        await AdvanceToAsync(32);
        Assert.Equal(TransactionState.Terminated, server.State);
    }

    [Fact]
    public async Task A_server_200_is_retransmitted_until_the_dialog_sees_the_ack_and_an_unacked_200_is_reported_on_timer_L()
    {
        var invite = Request(SipMethods.Invite, viaHost: "127.0.0.1", viaPort: PeerEndPoint.Port);
        await SendAsync(invite);
        var server = await user.NextAsync();
        var ackTimedOut = new TaskCompletionSource();
        server.AckTimedOut = () => ackTimedOut.TrySetResult();
        server.Respond(server.Request.CreateResponse(200, null, "t1"));
        await ReceiveAsync();
        await AdvanceToAsync(0.5);
        Assert.Equal(200, ((SipResponse)await ReceiveAsync()).StatusCode);
        await SendAsync(invite); // RFC 6026 §8.7: absorbed in Accepted, the TU does not see it again
        await AssertNothingAsync();
        await AdvanceToAsync(32); // Timer L
        await ackTimedOut.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Single(user.Requests);
    }

    [Fact]
    public async Task A_non_invite_server_transaction_answers_retransmissions_from_memory_until_timer_J()
    {
        var options = Request(SipMethods.Options, viaHost: "127.0.0.1", viaPort: PeerEndPoint.Port);
        await SendAsync(options);
        var server = await user.NextAsync();
        server.Respond(server.Request.CreateResponse(200));
        await ReceiveAsync();
        await SendAsync(options);
        Assert.Equal(200, ((SipResponse)await ReceiveAsync()).StatusCode);
        await AdvanceToAsync(32); // Timer J
        Assert.Equal(TransactionState.Terminated, server.State);
        Assert.Single(user.Requests);
    }

    [Fact]
    public async Task A_non_invite_client_transaction_waits_timer_K_for_response_copies()
    {
        var options = Request(SipMethods.Options);
        var transaction = layer.SendRequest(options, PeerEndPoint);
        await ReceiveAsync();
        await SendAsync(Response(options, 200));
        await transaction.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(TransactionState.Completed, transaction.State);
        await AdvanceToAsync(4.9);
        Assert.Equal(TransactionState.Completed, transaction.State);
        await AdvanceToAsync(5); // Timer K = T4
        Assert.Equal(TransactionState.Terminated, transaction.State);
    }

    [Fact]
    public async Task A_cancel_is_answered_200_and_the_invite_transaction_is_told()
    {
        var invite = Request(SipMethods.Invite, viaHost: "127.0.0.1", viaPort: PeerEndPoint.Port);
        await SendAsync(invite);
        var server = await user.NextAsync();
        var cancelled = new TaskCompletionSource();
        server.Cancelled = () => cancelled.TrySetResult();
        var cancel = invite.Clone();
        var cancelRequest = new SipRequest(SipMethods.Cancel, invite.Uri, cancel.Headers);
        cancelRequest.Headers.Set(HeaderNames.CSeq, new CSeqHeader(invite.CSeq.Number, SipMethods.Cancel).ToString());
        cancelRequest.Body = [];
        await SendAsync(cancelRequest);
        var ok = (SipResponse)await ReceiveAsync();
        Assert.Equal((200, SipMethods.Cancel), (ok.StatusCode, ok.CSeq.Method));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private long elapsedTicks;

    /// <summary>Moves the fake clock to <paramref name="seconds"/> after the start, in whole ticks (no float drift).</summary>
    private async Task AdvanceToAsync(double seconds)
    {
        var target = (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
        clock.Advance(TimeSpan.FromTicks(target - elapsedTicks));
        elapsedTicks = target;
        await Task.Yield();
    }

    private SipRequest Request(string method, string viaHost = "127.0.0.1", int? viaPort = null)
    {
        var request = new SipRequest(method, SipUri.Parse($"sip:agent@127.0.0.1:{PeerEndPoint.Port}"));
        request.Headers.Add(HeaderNames.Via, viaPort is { } port
            ? $"SIP/2.0/UDP {viaHost}:{port};branch={SipTransactionLayer.NewBranch()}"
            : layer.CreateVia(SipTransactionLayer.NewBranch()));
        request.Headers.Add(HeaderNames.MaxForwards, "70");
        request.Headers.Add(HeaderNames.From, "<sip:lawline@127.0.0.1>;tag=f1");
        request.Headers.Add(HeaderNames.To, "<sip:agent@127.0.0.1>");
        request.Headers.Add(HeaderNames.CallId, SipTransactionLayer.RandomToken() + "@test");
        request.Headers.Add(HeaderNames.CSeq, new CSeqHeader(1, method).ToString());
        return request;
    }

    private static SipResponse Response(SipRequest request, int status) => request.CreateResponse(status, null, status > 100 ? "remote" : null);

    private static SipRequest AckFor(SipRequest invite, string toTag)
    {
        var ack = new SipRequest(SipMethods.Ack, invite.Uri);
        ack.Headers.Add(HeaderNames.Via, invite.Headers[HeaderNames.Via]!);
        ack.Headers.Add(HeaderNames.From, invite.Headers[HeaderNames.From]!);
        ack.Headers.Add(HeaderNames.To, invite.Headers[HeaderNames.To] + ";tag=" + toTag);
        ack.Headers.Add(HeaderNames.CallId, invite.CallId);
        ack.Headers.Add(HeaderNames.CSeq, new CSeqHeader(invite.CSeq.Number, SipMethods.Ack).ToString());
        return ack;
    }

    private Task SendAsync(SipMessage message) =>
        peer.SendToAsync(message.ToBytes(), SocketFlags.None, transport.LocalEndPoint);

    private async Task<SipMessage> ReceiveAsync()
    {
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var result = await peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return SipParser.Parse(buffer.AsSpan(0, result.ReceivedBytes));
    }

    private async Task AssertNothingAsync()
    {
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        try
        {
            var result = await peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
            Assert.Fail("Unexpected datagram: " + Encoding.UTF8.GetString(buffer, 0, result.ReceivedBytes));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class RecordingUser : ISipTransactionUser
    {
        private readonly System.Threading.Channels.Channel<ServerTransaction> incoming = System.Threading.Channels.Channel.CreateUnbounded<ServerTransaction>();

        public ConcurrentQueue<SipRequest> Requests { get; } = new();

        public void OnRequest(ServerTransaction transaction)
        {
            Requests.Enqueue(transaction.Request);
            incoming.Writer.TryWrite(transaction);
        }

        public void OnAck(SipRequest ack, IPEndPoint source)
        {
        }

        public void OnStrayResponse(SipResponse response, IPEndPoint source)
        {
        }

        public async Task<ServerTransaction> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return await incoming.Reader.ReadAsync(timeout.Token);
        }
    }
}
