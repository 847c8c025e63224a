using System.Net;
using System.Text;
using Lawline.Sip.Calls;
using Lawline.Sip.Messages;
using Lawline.Sip.Sdp;
using Lawline.Sip.Tests.Peers;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Sip.Tests.Engine;

/// <summary>Protocol behaviour of the engine's user-agent core that phones and carriers rely on.</summary>
public sealed class EngineProtocolTests
{
    private static readonly byte[] Delimiters = "\r\n\0:<>\";,"u8.ToArray();

    private static IPEndPoint EndPoint(EngineHost host) => new(IPAddress.Loopback, host.Port);

    /// <summary>Calls the engine, gets answered, ACKs; returns the 200.</summary>
    private static async Task<SipResponse> EstablishAsync(EngineHost host, RawPhone phone, Action<SipRequest>? customize = null)
    {
        host.OnOffered(offered => host.Calls.AnswerAsync(offered.Leg));
        var invite = phone.Request(SipMethods.Invite, body: RawPhone.Offer(40000));
        customize?.Invoke(invite);
        await phone.SendAsync(invite);
        var ok = await phone.ResponseAsync();
        Assert.Equal(200, ok.StatusCode);
        phone.ToTag = ok.To.Tag;
        await phone.SendAsync(phone.Request(SipMethods.Ack));
        await SyncAsync(phone);
        return ok;
    }

    /// <summary>
    /// The engine handles datagrams in order on one receive loop, so once an in-dialog OPTIONS sent after the
    /// ACK is answered, the ACK has been processed — tests on a fake clock may advance it safely.
    /// </summary>
    private static async Task SyncAsync(RawPhone phone)
    {
        await phone.SendAsync(phone.Request(SipMethods.Options));
        Assert.Equal(200, (await phone.ResponseSkippingRequestsAsync()).StatusCode);
    }

    private static MediaDirection? AnsweredDirection(SipMessage response) =>
        SessionDescription.Parse(response.BodyText).Media[0].Direction;

    [Fact]
    public async Task Options_is_answered_200_with_what_the_engine_allows()
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host));
        await phone.SendAsync(phone.Request(SipMethods.Options));
        var response = await phone.ResponseAsync();
        Assert.Equal(200, response.StatusCode);
        Assert.Contains("REFER", response.Headers[HeaderNames.Allow]);
        Assert.Contains("timer", response.Headers[HeaderNames.Supported]);
    }

    [Fact]
    public async Task A_caller_asking_for_session_timers_is_granted_them_and_told_to_refresh()
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host));
        var ok = await EstablishAsync(host, phone, invite =>
        {
            invite.Headers.Add(HeaderNames.Supported, "replaces, 100rel, timer");
            invite.Headers.Add(HeaderNames.SessionExpires, "1800");
        });
        Assert.Equal("1800;refresher=uac", ok.Headers[HeaderNames.SessionExpires]);
        Assert.Equal("timer", ok.Headers[HeaderNames.Require]);
        // The answer anchors media in the engine and picks the caller's first codec (PCMA) with its event type.
        var answer = SessionDescription.Parse(ok.BodyText);
        Assert.Equal("127.0.0.1", answer.Connection!.Address);
        Assert.Equal(["8", "101"], answer.Media[0].Formats);
    }

    [Fact]
    public async Task A_session_interval_below_min_se_is_refused_with_422()
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host));
        var invite = phone.Request(SipMethods.Invite, body: RawPhone.Offer(40000));
        invite.Headers.Add(HeaderNames.SessionExpires, "30");
        await phone.SendAsync(invite);
        var response = await phone.ResponseAsync();
        Assert.Equal(422, response.StatusCode);
        Assert.Equal("90", response.Headers[HeaderNames.MinSE]);
        Assert.Empty(host.Seen.OfType<CallOffered>());
    }

    [Fact]
    public async Task A_call_whose_session_refreshes_stop_is_hung_up_before_it_expires()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        await using var host = await EngineHost.StartAsync(options => options.MediaTimeoutSeconds = 0, time: clock);
        using var phone = new RawPhone(EndPoint(host));
        await EstablishAsync(host, phone, invite =>
        {
            invite.Headers.Add(HeaderNames.Supported, "timer");
            invite.Headers.Add(HeaderNames.SessionExpires, "90;refresher=uac");
        });
        await host.WaitForAsync<CallAnswered>();

        // RFC 4028 §10: BYE at interval − min(32 s, interval/3) = 60 s when the refresher (the phone) is silent.
        clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(200);
        Assert.Empty(host.Seen.OfType<CallEnded>());
        clock.Advance(TimeSpan.FromSeconds(1));
        var bye = (SipRequest)await phone.ReceiveAsync();
        Assert.Equal(SipMethods.Bye, bye.Method);
        Assert.Equal(HangupCause.SessionExpired, (await host.WaitForAsync<CallEnded>()).Cause);
    }

    [Fact]
    public async Task A_call_whose_audio_stops_is_hung_up_after_the_media_timeout()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        await using var host = await EngineHost.StartAsync(options => options.MediaTimeoutSeconds = 20, time: clock);
        using var phone = new RawPhone(EndPoint(host));
        await EstablishAsync(host, phone);

        // The phone never sends RTP (a dead line, a crashed softphone): no BYE will ever come from it.
        for (var second = 0; second < 19; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(200);
        Assert.Empty(host.Seen.OfType<CallEnded>());
        for (var second = 0; second < 3; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var bye = (SipRequest)await phone.ReceiveAsync();
        Assert.Equal(SipMethods.Bye, bye.Method);
        Assert.Equal(HangupCause.MediaTimeout, (await host.WaitForAsync<CallEnded>()).Cause);
    }

    [Fact]
    public async Task A_refresh_re_invite_keeps_the_call_alive()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        await using var host = await EngineHost.StartAsync(options => options.MediaTimeoutSeconds = 0, time: clock);
        using var phone = new RawPhone(EndPoint(host));
        await EstablishAsync(host, phone, invite =>
        {
            invite.Headers.Add(HeaderNames.Supported, "timer");
            invite.Headers.Add(HeaderNames.SessionExpires, "90;refresher=uac");
        });

        clock.Advance(TimeSpan.FromSeconds(45));
        var refresh = phone.Request(SipMethods.Invite, body: RawPhone.Offer(40000));
        refresh.Headers.Add(HeaderNames.Supported, "timer");
        refresh.Headers.Add(HeaderNames.SessionExpires, "90;refresher=uac");
        await phone.SendAsync(refresh);
        var received = new List<SipRequest>();
        var ok = await phone.ResponseSkippingRequestsAsync(received);
        Assert.True(received.Count == 0, string.Join("\n", received));
        Assert.Equal(200, ok.StatusCode);
        await phone.SendAsync(phone.Request(SipMethods.Ack));
        await SyncAsync(phone);
        clock.Advance(TimeSpan.FromSeconds(45)); // 90 s after the call started, 45 s after the refresh
        await Task.Delay(200);
        Assert.Empty(host.Seen.OfType<CallEnded>());
    }

    [Theory]
    [InlineData("sendonly", "recvonly", true)]
    [InlineData("inactive", "inactive", true)]
    [InlineData("sendrecv", "sendrecv", false)]
    public async Task Hold_by_re_invite_is_answered_with_the_matching_direction(string offered, string answered, bool onHold)
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host));
        await EstablishAsync(host, phone);

        await phone.SendAsync(phone.Request(SipMethods.Invite, body: RawPhone.Offer(40000, offered, version: 2)));
        var ok = await phone.ResponseAsync();
        await phone.SendAsync(phone.Request(SipMethods.Ack));

        Assert.Equal(200, ok.StatusCode);
        Assert.Equal(answered, AnsweredDirection(ok)!.Value.ToSdp());
        var leg = (await host.WaitForAsync<CallAnswered>()).Leg;
        Assert.Equal(onHold, host.Calls.GetLeg(leg)!.OnHold);
    }

    [Fact]
    public async Task Old_phones_holding_with_a_zero_address_are_answered_recvonly()
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host));
        await EstablishAsync(host, phone);
        await phone.SendAsync(phone.Request(SipMethods.Invite, body: RawPhone.Offer(40000, "sendrecv", address: "0.0.0.0", version: 2)));
        var ok = await phone.ResponseAsync();
        Assert.Equal("recvonly", AnsweredDirection(ok)!.Value.ToSdp());
        await host.WaitForAsync<HoldChanged>(h => h.OnHold);
    }

    [Fact]
    public async Task Keys_sent_by_sip_info_are_reported_like_rtp_events()
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host));
        await EstablishAsync(host, phone);
        var info = phone.Request(SipMethods.Info);
        info.SetBody("application/dtmf-relay", "Signal=9\r\nDuration=160\r\n");
        await phone.SendAsync(info);
        Assert.Equal(200, (await phone.ResponseAsync()).StatusCode);
        var digit = await host.WaitForAsync<DtmfReceived>();
        Assert.Equal('9', digit.Digit);
    }

    [Fact]
    public async Task Unsupported_extensions_schemes_and_versions_get_420_416_and_505()
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host));
        var requiresPrecondition = phone.Request(SipMethods.Invite, body: RawPhone.Offer(40000));
        requiresPrecondition.Headers.Add(HeaderNames.Require, "precondition");
        await phone.SendAsync(requiresPrecondition);
        var badExtension = await phone.ResponseAsync();
        Assert.Equal(420, badExtension.StatusCode);
        Assert.Equal("precondition", badExtension.Headers[HeaderNames.Unsupported]);

        var text = Encoding.UTF8.GetString(phone.Request(SipMethods.Options).ToBytes());
        await phone.SendRawAsync(Encoding.UTF8.GetBytes(text.Replace($"OPTIONS sip:12348@127.0.0.1:{host.Port} SIP/2.0", "OPTIONS nosuch:12348 SIP/2.0", StringComparison.Ordinal)));
        Assert.Equal(416, (await phone.ResponseAsync()).StatusCode);

        text = Encoding.UTF8.GetString(phone.Request(SipMethods.Options).ToBytes());
        await phone.SendRawAsync(Encoding.UTF8.GetBytes(text.Replace("SIP/2.0\r\n", "SIP/7.0\r\n", StringComparison.Ordinal)));
        Assert.Equal(505, (await phone.ResponseAsync()).StatusCode);
        Assert.Empty(host.Seen.OfType<CallOffered>());
    }

    [Fact]
    public async Task A_request_for_an_unknown_dialog_gets_481()
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host)) { ToTag = "never-issued" };
        await phone.SendAsync(phone.Request(SipMethods.Bye));
        Assert.Equal(481, (await phone.ResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task An_offer_without_g711_is_refused_488_and_no_call_is_offered()
    {
        await using var host = await EngineHost.StartAsync();
        using var phone = new RawPhone(EndPoint(host));
        var opusOnly = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n";
        await phone.SendAsync(phone.Request(SipMethods.Invite, body: opusOnly));
        var response = await phone.ResponseAsync();
        Assert.Equal(488, response.StatusCode);
        await phone.SendAsync(phone.Request(SipMethods.Ack));
        Assert.Empty(host.Seen.OfType<CallOffered>());
    }

    [Fact]
    [Trait("Category", "Peers")]
    public async Task Garbage_and_mutated_messages_never_stop_the_engine_from_serving_calls()
    {
        await using var host = await EngineHost.StartAsync();
        host.OnOffered(async offered =>
        {
            await host.Calls.AnswerAsync(offered.Leg);
            await host.Calls.CollectDigitsAsync(offered.Leg, new CollectDigitsOptions { MaxDigits = 1, FirstDigitTimeout = TimeSpan.FromSeconds(20) });
        });
        using var attacker = new RawPhone(EndPoint(host));
        var valid = attacker.Request(SipMethods.Invite, body: RawPhone.Offer(40000)).ToBytes();
        var random = new Random(4475);
        for (var i = 0; i < 3000; i++)
        {
            var datagram = (byte[])valid.Clone();
            switch (i % 4)
            {
                case 0:
                    random.NextBytes(datagram);
                    break;
                case 1:
                    for (var flips = 0; flips < 8; flips++)
                    {
                        datagram[random.Next(datagram.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 2:
                    datagram = datagram[..random.Next(datagram.Length)];
                    break;
                default:
                    datagram[random.Next(datagram.Length)] = Delimiters[random.Next(Delimiters.Length)];
                    break;
            }

            await attacker.SendRawAsync(datagram);
        }

        // The engine still serves a real call from sipp, with its audio and digits.
        var call = await SippRunner.RunAsync(new SippRun(SippScenarios.UacPcapThenDtmf("3", speechMs: 1000)) { Remote = host.Address, Service = "12348" });
        Assert.True(call.ExitCode == 0, call.ToString());
        Assert.Contains(host.Seen.OfType<DtmfReceived>(), d => d.Digit == '3');
        using var monitor = new RawPhone(EndPoint(host));
        await monitor.SendAsync(monitor.Request(SipMethods.Options));
        Assert.Equal(200, (await monitor.ResponseAsync()).StatusCode);
    }
}
