using System.Net;
using System.Net.Sockets;
using Lawline.Sip.Messages;
using Lawline.Sip.Transactions;

namespace Lawline.Sip.Tests.Engine;

/// <summary>
/// A scripted SIP user agent on a raw UDP socket, for protocol details no softphone can be made to send on
/// cue (session timers, odd Require headers, hold by re-INVITE, malformed datagrams).
/// </summary>
internal sealed class RawPhone : IDisposable
{
    private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint engine;
    private uint cseq = 1;

    public RawPhone(IPEndPoint engine)
    {
        this.engine = engine;
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        CallId = SipTransactionLayer.RandomToken() + "@raw";
    }

    public int Port => ((IPEndPoint)socket.LocalEndPoint!).Port;

    public string CallId { get; }

    public string FromTag { get; } = SipTransactionLayer.RandomToken(4);

    public string? ToTag { get; set; }

    public SipRequest Request(string method, string user = "12348", string? body = null)
    {
        var request = new SipRequest(method, SipUri.Parse($"sip:{user}@127.0.0.1:{engine.Port}"));
        request.Headers.Add(HeaderNames.Via, $"SIP/2.0/UDP 127.0.0.1:{Port};rport;branch={SipTransactionLayer.NewBranch()}");
        request.Headers.Add(HeaderNames.MaxForwards, "70");
        request.Headers.Add(HeaderNames.From, $"\"Citizen\" <sip:13800138000@127.0.0.1>;tag={FromTag}");
        request.Headers.Add(HeaderNames.To, ToTag is null ? $"<sip:{user}@127.0.0.1>" : $"<sip:{user}@127.0.0.1>;tag={ToTag}");
        request.Headers.Add(HeaderNames.CallId, CallId);
        request.Headers.Add(HeaderNames.CSeq, new CSeqHeader(method == SipMethods.Ack ? cseq - 1 : cseq++, method).ToString());
        request.Headers.Add(HeaderNames.Contact, $"<sip:citizen@127.0.0.1:{Port}>");
        if (body is not null)
        {
            request.SetBody("application/sdp", body);
        }

        return request;
    }

    public static string Offer(int rtpPort, string direction = "sendrecv", string address = "127.0.0.1", int version = 1) =>
        $"v=0\r\no=raw 1 {version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 {address}\r\nt=0 0\r\n" +
        $"m=audio {rtpPort} RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n" +
        $"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=rtcp:{rtpPort + 3}\r\na={direction}\r\n";

    public Task SendAsync(SipMessage message) => SendRawAsync(message.ToBytes());

    public async Task SendRawAsync(byte[] datagram) => await socket.SendToAsync(datagram, SocketFlags.None, engine);

    /// <summary>The next message that is not a 100 Trying.</summary>
    public async Task<SipMessage> ReceiveAsync(TimeSpan? timeout = null, bool skipTrying = true)
    {
        var buffer = new byte[65535];
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancel.Token);
            var message = SipParser.Parse(buffer.AsSpan(0, result.ReceivedBytes));
            if (skipTrying && message is SipResponse { StatusCode: 100 })
            {
                continue;
            }

            return message;
        }
    }

    public async Task<SipResponse> ResponseAsync(TimeSpan? timeout = null) =>
        await ReceiveAsync(timeout) as SipResponse ?? throw new InvalidOperationException("Expected a response.");

    /// <summary>The next response, answering 200 to any request the engine sends meanwhile (NOTIFY, OPTIONS).</summary>
    public async Task<SipResponse> ResponseSkippingRequestsAsync(List<SipRequest>? requests = null)
    {
        while (true)
        {
            switch (await ReceiveAsync())
            {
                case SipResponse response:
                    return response;
                case SipRequest request:
                    requests?.Add(request);
                    if (request.Method != SipMethods.Ack)
                    {
                        await SendAsync(request.CreateResponse(200));
                    }

                    break;
            }
        }
    }

    public void Dispose() => socket.Dispose();
}
