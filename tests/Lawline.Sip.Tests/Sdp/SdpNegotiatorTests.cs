using System.Net;
using Lawline.Sip.Media;
using Lawline.Sip.Sdp;

namespace Lawline.Sip.Tests.Sdp;

public sealed class SdpNegotiatorTests
{
    private static readonly IPAddress Local = IPAddress.Parse("192.0.2.10");

    // What linphone 5 offers: opus and speex first, telephone-event at three clock rates, and a video stream.
    private const string LinphoneOffer = """
        v=0
        o=agent3 1234 5678 IN IP4 192.168.1.20
        s=Talk
        c=IN IP4 192.168.1.20
        t=0 0
        a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
        m=audio 7078 RTP/AVP 96 97 98 0 8 101 102 103
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 useinbandfec=1
        a=rtpmap:97 speex/16000
        a=fmtp:97 vbr=on
        a=rtpmap:98 speex/8000
        a=fmtp:98 vbr=on
        a=rtpmap:101 telephone-event/48000
        a=rtpmap:102 telephone-event/16000
        a=rtpmap:103 telephone-event/8000
        a=rtcp-fb:* trr-int 1000
        m=video 9078 RTP/AVP 99
        a=rtpmap:99 VP8/90000
        """;

    // PJSIP (MicroSIP): PCMA before PCMU, RTCP on a separate port announced with a=rtcp.
    private const string PjsipOffer =
        "v=0\r\no=- 3911234567 3911234567 IN IP4 10.0.0.5\r\ns=pjmedia\r\nb=AS:84\r\nt=0 0\r\na=X-nat:0\r\n" +
        "m=audio 4000 RTP/AVP 8 0 101\r\nc=IN IP4 10.0.0.5\r\nb=TIAS:64000\r\na=rtcp:4005 IN IP4 10.0.0.5\r\na=sendrecv\r\n" +
        "a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ssrc:123456 cname:abc\r\n";

    // sipp-uac-wav-dtmf.xml after sipp's substitutions.
    private const string SippOffer = """
        v=0
        o=- 53655765 2353687637 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 6000 RTP/AVP 0 96
        a=rtpmap:0 PCMU/8000
        a=rtpmap:96 telephone-event/8000
        a=fmtp:96 0-15
        a=ptime:20
        a=sendrecv
        """;

    [Fact]
    public void Linphone_offer_is_answered_with_PCMU_and_the_8000_Hz_telephone_event_type_and_video_rejected()
    {
        var offer = SessionDescription.Parse(LinphoneOffer);

        var (answer, media) = SdpNegotiator.Answer(offer, new SdpOriginState(Local.ToString()), Local, 20000);

        Assert.NotNull(media);
        Assert.Equal(AudioCodec.Pcmu, media.Codec);
        Assert.Equal(0, media.PayloadType);
        Assert.Equal(103, media.TelephoneEventPayloadType);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.20"), 7078), media.RemoteRtp);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.20"), 7079), media.RemoteRtcp);
        Assert.False(media.RemoteHold);

        var text = answer.ToString();
        Assert.Contains("m=audio 20000 RTP/AVP 0 103\r\n", text);
        Assert.Contains("a=rtpmap:103 telephone-event/8000\r\n", text);
        Assert.Contains("a=fmtp:103 0-15\r\n", text);
        Assert.Contains("a=ptime:20\r\n", text);
        Assert.Contains("a=sendrecv\r\n", text);
        Assert.Contains("m=video 0 RTP/AVP 99\r\n", text);
        Assert.Contains("c=IN IP4 192.0.2.10\r\n", text);
        Assert.DoesNotContain("opus", text);
        Assert.DoesNotContain("\n\n", text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n'));
        // Every line ends in CRLF.
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal));

        // The answer is itself valid SDP with the m-lines in the offer's order.
        var reparsed = SessionDescription.Parse(text);
        Assert.Equal(["audio", "video"], reparsed.Media.Select(m => m.Media));
    }

    [Fact]
    public void Pjsip_offer_picks_PCMA_first_in_the_offerers_order_and_uses_its_rtcp_port()
    {
        var offer = SessionDescription.Parse(PjsipOffer);

        var (answer, media) = SdpNegotiator.Answer(offer, new SdpOriginState(Local.ToString()), Local, 20002);

        Assert.NotNull(media);
        Assert.Equal(AudioCodec.Pcma, media.Codec);
        Assert.Equal(8, media.PayloadType);
        Assert.Equal(101, media.TelephoneEventPayloadType);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 4000), media.RemoteRtp);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 4005), media.RemoteRtcp);
        Assert.Contains("a=fmtp:101 0-16\r\n", answer.ToString());
        Assert.Contains("m=audio 20002 RTP/AVP 8 101\r\n", answer.ToString());
    }

    [Fact]
    public void Sipp_offer_gets_its_own_event_payload_type_96()
    {
        var (answer, media) = SdpNegotiator.Answer(SessionDescription.Parse(SippOffer), new SdpOriginState("127.0.0.1"), IPAddress.Loopback, 20004);

        Assert.NotNull(media);
        Assert.Equal(AudioCodec.Pcmu, media.Codec);
        Assert.Equal(96, media.TelephoneEventPayloadType);
        Assert.Contains("a=fmtp:96 0-15\r\n", answer.ToString());
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6000), media.RemoteRtp);
    }

    [Theory]
    [InlineData("a=sendonly", "recvonly", MediaDirection.SendOnly)]
    [InlineData("a=inactive", "inactive", MediaDirection.Inactive)]
    [InlineData("a=recvonly", "sendonly", MediaDirection.RecvOnly)]
    public void Hold_offers_are_answered_per_RFC_3264_section_6_1(string offered, string answered, MediaDirection remote)
    {
        var offer = SessionDescription.Parse(SippOffer.Replace("a=sendrecv", offered, StringComparison.Ordinal));

        var (answer, media) = SdpNegotiator.Answer(offer, new SdpOriginState("127.0.0.1"), IPAddress.Loopback, 20006);

        Assert.Contains($"a={answered}\r\n", answer.ToString());
        Assert.NotNull(media);
        Assert.Equal(remote, media.RemoteDirection);
        Assert.Equal(remote != MediaDirection.RecvOnly, media.RemoteHold);
        Assert.Equal(remote == MediaDirection.RecvOnly, media.WeMaySend);
    }

    [Fact]
    public void Old_style_hold_with_connection_address_zero_is_treated_as_hold()
    {
        var offer = SessionDescription.Parse(SippOffer.Replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0", StringComparison.Ordinal));

        var (answer, media) = SdpNegotiator.Answer(offer, new SdpOriginState("127.0.0.1"), IPAddress.Loopback, 20008);

        Assert.NotNull(media);
        Assert.True(media.RemoteHold);
        Assert.Null(media.RemoteRtp);
        Assert.False(media.WeMaySend);
        Assert.Contains("a=recvonly\r\n", answer.ToString());
    }

    [Fact]
    public void Session_level_direction_applies_when_the_media_has_none()
    {
        var offer = SessionDescription.Parse(SippOffer.Replace("a=sendrecv", "", StringComparison.Ordinal)
            .Replace("t=0 0", "t=0 0\na=sendonly", StringComparison.Ordinal));

        var (answer, media) = SdpNegotiator.Answer(offer, new SdpOriginState("127.0.0.1"), IPAddress.Loopback, 20010);

        Assert.True(media!.RemoteHold);
        Assert.Contains("a=recvonly\r\n", answer.ToString());
    }

    [Fact]
    public void Offer_without_G711_is_rejected_with_port_zero()
    {
        var offer = SessionDescription.Parse("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 5000 RTP/AVP 96 9\na=rtpmap:96 opus/48000/2\n");

        var (answer, media) = SdpNegotiator.Answer(offer, new SdpOriginState("127.0.0.1"), IPAddress.Loopback, 20012);

        Assert.Null(media);
        Assert.Contains("m=audio 0 RTP/AVP 96\r\n", answer.ToString());
    }

    [Fact]
    public void Offer_then_answer_yields_negotiated_media_and_the_version_moves_only_when_the_sdp_changes()
    {
        var origin = new SdpOriginState("192.0.2.10", sessionId: 42);
        var offer = SdpNegotiator.CreateOffer(origin, Local, 20014);
        Assert.Contains("m=audio 20014 RTP/AVP 0 8 101\r\n", offer.ToString());
        Assert.Contains("a=rtpmap:101 telephone-event/8000\r\n", offer.ToString());
        Assert.Equal("1", offer.Origin.SessionVersion);

        // The peer (PJSIP-like) answers PCMA with its own event type.
        var answer = SessionDescription.Parse(
            "v=0\r\no=- 9 9 IN IP4 10.0.0.7\r\ns=-\r\nc=IN IP4 10.0.0.7\r\nt=0 0\r\nm=audio 4010 RTP/AVP 8 101\r\n" +
            "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=rtcp:4011\r\n");
        var media = SdpNegotiator.ProcessAnswer(offer, answer);
        Assert.NotNull(media);
        Assert.Equal(AudioCodec.Pcma, media.Codec);
        Assert.Equal(101, media.TelephoneEventPayloadType);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 4010), media.RemoteRtp);

        var refresh = SdpNegotiator.CreateOffer(origin, Local, 20014);
        Assert.Equal("1", refresh.Origin.SessionVersion);
        var hold = SdpNegotiator.CreateOffer(origin, Local, 20014, MediaDirection.SendOnly);
        Assert.Equal("2", hold.Origin.SessionVersion);
        Assert.Equal("42", hold.Origin.SessionId);
        Assert.Contains("a=sendonly\r\n", hold.ToString());
        var resume = SdpNegotiator.CreateOffer(origin, Local, 20014);
        Assert.Equal("3", resume.Origin.SessionVersion);
    }
}
