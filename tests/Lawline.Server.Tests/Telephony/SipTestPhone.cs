using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Lawline.Sip.Auth;
using Lawline.Sip.Messages;
using Xunit.Sdk;

namespace Lawline.Server.Tests.Telephony;

/// <summary>
/// A minimal SIP phone over UDP on loopback: sends a request, waits for its final response (retransmitting as
/// RFC 3261 §17.1.2 does over UDP), and answers a digest challenge once, as a softphone would.
/// </summary>
public sealed class SipTestPhone(IPEndPoint server, string userAgent = "LawlineTestPhone/1.0") : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly string _callId = $"{RandomNumberGenerator.GetHexString(12, lowercase: true)}@127.0.0.1";
    private readonly string _fromTag = RandomNumberGenerator.GetHexString(8, lowercase: true);
    private uint _cseq;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public string UserAgent => userAgent;

    /// <summary>REGISTERs <paramref name="user"/> with digest; returns the final response (200, 403...).</summary>
    public async Task<SipResponse> RegisterAsync(string user, string password, int expires = 600)
    {
        var register = NewRegister(user, expires);
        var response = await SendAsync(register);
        if (response.StatusCode is not (401 or 407))
        {
            return response;
        }
        var retry = NewRegister(user, expires);
        if (!DigestClient.Authorize(retry, response, user, password))
        {
            throw new XunitException($"The challenge could not be answered: {response}");
        }
        return await SendAsync(retry);
    }

    public Task<SipResponse> OptionsAsync()
    {
        var options = NewRequest(SipMethods.Options, SipUri.Create(null, "127.0.0.1", server.Port), "options");
        options.Headers.Add(HeaderNames.Accept, "application/sdp");
        return SendAsync(options);
    }

    private SipRequest NewRegister(string user, int expires)
    {
        var register = NewRequest(SipMethods.Register, SipUri.Create(null, "127.0.0.1", server.Port), user);
        register.Headers.Add(HeaderNames.Contact, $"<sip:{user}@127.0.0.1:{LocalEndPoint.Port}>");
        register.Headers.Add(HeaderNames.Expires, expires.ToString(CultureInfo.InvariantCulture));
        return register;
    }

    private SipRequest NewRequest(string method, SipUri uri, string user)
    {
        var request = new SipRequest(method, uri);
        var aor = $"sip:{user}@127.0.0.1";
        request.Headers.Add(HeaderNames.Via,
            $"SIP/2.0/UDP 127.0.0.1:{LocalEndPoint.Port};branch=z9hG4bK{RandomNumberGenerator.GetHexString(16, lowercase: true)};rport");
        request.Headers.Add(HeaderNames.MaxForwards, "70");
        request.Headers.Add(HeaderNames.From, $"<{aor}>;tag={_fromTag}");
        request.Headers.Add(HeaderNames.To, $"<{aor}>");
        request.Headers.Add(HeaderNames.CallId, _callId);
        request.Headers.Add(HeaderNames.CSeq, $"{++_cseq} {method}");
        request.Headers.Add(HeaderNames.UserAgent, userAgent);
        return request;
    }

    /// <summary>Sends and waits up to 5 s for the final response, retransmitting every 500 ms (timer E).</summary>
    public async Task<SipResponse> SendAsync(SipRequest request)
    {
        var bytes = request.ToBytes();
        var branch = request.TopVia.Branch;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _udp.SendAsync(bytes, server, deadline.Token);
        var receive = _udp.ReceiveAsync(deadline.Token).AsTask();
        while (true)
        {
            var finished = await Task.WhenAny(receive, Task.Delay(500, CancellationToken.None));
            if (finished != receive)
            {
                if (deadline.IsCancellationRequested)
                {
                    throw new XunitException($"No final response to {request.Method} within 5 s.");
                }
                await _udp.SendAsync(bytes, server, deadline.Token);
                continue;
            }
            UdpReceiveResult datagram;
            try
            {
                datagram = await receive;
            }
            catch (OperationCanceledException)
            {
                throw new XunitException($"No final response to {request.Method} within 5 s.");
            }
            if (SipParser.Parse(datagram.Buffer) is SipResponse response && response.TopVia.Branch == branch && response.StatusCode >= 200)
            {
                return response;
            }
            receive = _udp.ReceiveAsync(deadline.Token).AsTask();
        }
    }

    public void Dispose() => _udp.Dispose();
}
