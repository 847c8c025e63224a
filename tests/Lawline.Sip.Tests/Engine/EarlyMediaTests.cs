using System.Net;
using System.Net.Sockets;
using Lawline.Sip.Calls;
using Lawline.Sip.Media;
using Lawline.Sip.Messages;
using Lawline.Sip.Sdp;
using Lawline.Sip.Tests.Peers;

namespace Lawline.Sip.Tests.Engine;

/// <summary>
/// Early media: a carrier that plays an announcement or ringback in a 183 before answering. The engine relays it to
/// the caller, who is not answered yet, with a 183 of its own.
/// </summary>
[Trait("Category", "Peers")]
public sealed class EarlyMediaTests : IDisposable
{
    private readonly SoundFiles sounds = new();

    public void Dispose() => sounds.Dispose();

    [Fact]
    public async Task A_far_ends_183_announcement_reaches_the_unanswered_caller_and_the_call_then_connects()
    {
        await using var host = await EngineHost.StartAsync();
        using var carrier = new AnnouncingCarrier();
        host.OnOffered(async offered =>
        {
            var far = await host.Calls.OriginateAsync(new OriginateRequest(new OriginateTarget.Uri($"sip:12345@127.0.0.1:{carrier.SipPort}"))
            {
                EarlyMediaFor = offered.Leg,
            });
            Assert.True(far.Answered, far.ToString());
            await host.Calls.AnswerAsync(offered.Leg);
            await host.Calls.BridgeAsync(offered.Leg, far.Leg!.Value);
        });
        await using var caller = await BaresipPhone.StartAsync(new BaresipOptions { User = "citizen", AudioFile = await sounds.ToneAsync(1000) });

        await caller.DialAsync($"sip:12348@{host.Address}");
        var carrierCall = carrier.RunAsync(host.Engine.LocalEndPoint, announcement: TimeSpan.FromSeconds(2), talk: TimeSpan.FromSeconds(1));
        // baresip reports early media as CALL_PROGRESS (183 with SDP) before CALL_ESTABLISHED.
        await caller.WaitForEventAsync("CALL_PROGRESS");
        await caller.WaitForEventAsync("CALL_ESTABLISHED");
        await carrierCall;
        await caller.HangupAsync();
        await host.WaitForAsync<CallEnded>(e => e.ByRemote);

        var heard = await WavAnalysis.ReadAsync(caller.ReceivedAudioFiles().Single());
        // The 600 Hz announcement was heard before the answer (the call was established only after it).
        Assert.True(WavAnalysis.ToneShare(heard, 600) > 0.5, WavAnalysis.Describe(heard, 600, 1000));
        Assert.True(WavAnalysis.AudibleDuration(heard) > TimeSpan.FromSeconds(1.5), WavAnalysis.Describe(heard, 600));
        Assert.Contains(host.Seen.OfType<CallRinging>(), r => r.EarlyMedia);
    }

    /// <summary>A scripted carrier: answers INVITE with 183 + SDP, streams a 600 Hz announcement, then 200 OK.</summary>
    private sealed class AnnouncingCarrier : IDisposable
    {
        private readonly Socket sip = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly Socket rtp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        public AnnouncingCarrier()
        {
            sip.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        public int SipPort => ((IPEndPoint)sip.LocalEndPoint!).Port;

        private int RtpPort => ((IPEndPoint)rtp.LocalEndPoint!).Port;

        public async Task RunAsync(IPEndPoint engine, TimeSpan announcement, TimeSpan talk)
        {
            var invite = (SipRequest)await ReceiveAsync();
            var offer = SessionDescription.Parse(invite.BodyText);
            var engineRtp = new IPEndPoint(IPAddress.Loopback, offer.Media[0].Port);
            var answer = SdpNegotiator.Answer(offer, new SdpOriginState("127.0.0.1"), IPAddress.Loopback, RtpPort).Answer.ToString();

            var progress = invite.CreateResponse(183, null, "carrier");
            progress.Headers.Add(HeaderNames.Contact, $"<sip:12345@127.0.0.1:{SipPort}>");
            progress.SetBody("application/sdp", answer);
            await SendAsync(progress, engine);
            await StreamToneAsync(engineRtp, 600, announcement);

            var ok = invite.CreateResponse(200, null, "carrier");
            ok.Headers.Add(HeaderNames.Contact, $"<sip:12345@127.0.0.1:{SipPort}>");
            ok.SetBody("application/sdp", answer);
            await SendAsync(ok, engine);
            Assert.Equal(SipMethods.Ack, ((SipRequest)await ReceiveAsync()).Method);
            await StreamToneAsync(engineRtp, 600, talk);
        }

        private async Task StreamToneAsync(IPEndPoint destination, double hertz, TimeSpan length)
        {
            var tone = new ToneGenerator(hertz, amplitude: 12000);
            var packet = new byte[12 + 160];
            var ssrc = (uint)Random.Shared.Next();
            for (var i = 0; i < length.TotalMilliseconds / 20; i++)
            {
                new Lawline.Sip.Rtp.RtpPacket(i == 0, 0, (ushort)i, (uint)(i * 160), ssrc, PayloadLength: 160).WriteHeader(packet);
                tone.TryReadFrame(packet.AsSpan(12), AudioCodec.Pcmu);
                await rtp.SendToAsync(packet, SocketFlags.None, destination);
                await Task.Delay(20);
            }
        }

        private Task SendAsync(SipMessage message, IPEndPoint to) => sip.SendToAsync(message.ToBytes(), SocketFlags.None, to);

        private async Task<SipMessage> ReceiveAsync()
        {
            var buffer = new byte[65535];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (true)
            {
                var result = await sip.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
                var message = SipParser.Parse(buffer.AsSpan(0, result.ReceivedBytes));
                if (message is SipRequest { Method: SipMethods.Invite } && SeenInvite)
                {
                    continue; // a retransmission
                }

                SeenInvite |= message is SipRequest { Method: SipMethods.Invite };
                return message;
            }
        }

        private bool SeenInvite { get; set; }

        public void Dispose()
        {
            sip.Dispose();
            rtp.Dispose();
        }
    }
}
