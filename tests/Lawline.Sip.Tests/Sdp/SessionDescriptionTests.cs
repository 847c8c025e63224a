using Lawline.Sip.Sdp;

namespace Lawline.Sip.Tests.Sdp;

public sealed class SessionDescriptionTests
{
    [Fact]
    public void Parses_LF_only_text_and_keeps_lines_it_does_not_interpret()
    {
        var sdp = SessionDescription.Parse("v=0\no=alice 1 2 IN IP4 10.1.1.1\ns=call\ni=info\nc=IN IP4 10.1.1.1\nb=AS:64\nt=0 0\n" +
            "y=unknown-letter\na=tool:x\nm=audio 49170/2 RTP/AVP 0\nb=TIAS:64000\na=x-vendor:1\na=rtcp:53020\n");

        Assert.Equal("alice", sdp.Origin.Username);
        Assert.Equal("10.1.1.1", sdp.Connection!.Address);
        var audio = Assert.Single(sdp.Media);
        Assert.Equal(49170, audio.Port);
        Assert.Equal(2, audio.PortCount);
        Assert.Equal(53020, audio.RtcpPort);
        Assert.Equal("PCMU", audio.GetRtpMap(0)!.Encoding);

        var text = sdp.ToString();
        foreach (var line in new[] { "i=info", "b=AS:64", "y=unknown-letter", "a=tool:x", "m=audio 49170/2 RTP/AVP 0", "b=TIAS:64000", "a=x-vendor:1" })
        {
            Assert.Contains(line + "\r\n", text);
        }
        Assert.Equal(text, SessionDescription.Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("o=- 1 1 IN IP4 1.2.3.4\ns=-\n")]
    [InlineData("v=0\ns=-\n")]
    [InlineData("v=0\no=- 1 IN IP4\n")]
    [InlineData("v=0\no=- 1 1 IN IP4 1.2.3.4\nm=audio notaport RTP/AVP 0\n")]
    [InlineData("v=0\no=- 1 1 IN IP4 1.2.3.4\nm=audio 99999 RTP/AVP 0\n")]
    [InlineData("v=0\no=- 1 1 IN IP4 1.2.3.4\nc=IN IP4\n")]
    [InlineData("v=0\no=- 1 1 IN IP4 1.2.3.4\nthis is not sdp\n")]
    [InlineData("v=1\no=- 1 1 IN IP4 1.2.3.4\n")]
    public void Malformed_descriptions_throw_SdpParseException(string text)
    {
        Assert.Throws<SdpParseException>(() => SessionDescription.Parse(text));
    }

    [Fact]
    public void Random_and_mutated_input_never_throws_anything_but_SdpParseException()
    {
        const string seed = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 0 101\r\n" +
            "a=rtcp:4005 IN IP4 10.0.0.5\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendonly\r\n";
        var random = new Random(3264);
        const string alphabet = "v=o0 1:/\r\nacmtsIPN-#AVPRT8\0é";
        var parsedSome = 0;
        for (var i = 0; i < 20000; i++)
        {
            var chars = seed.ToCharArray();
            var mutations = random.Next(1, 6);
            for (var m = 0; m < mutations; m++)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }
            var text = new string(chars);
            if (random.Next(4) == 0)
            {
                text = text[..random.Next(text.Length)];
            }
            try
            {
                var sdp = SessionDescription.Parse(text);
                parsedSome++;
                // Whatever parses can be negotiated and serialised without blowing up either.
                _ = SdpNegotiator.Answer(sdp, new SdpOriginState("127.0.0.1"), System.Net.IPAddress.Loopback, 20000);
                _ = SdpNegotiator.ProcessAnswer(SdpNegotiator.CreateOffer(new SdpOriginState("127.0.0.1"), System.Net.IPAddress.Loopback, 20000), sdp);
            }
            catch (SdpParseException)
            {
            }
        }
        Assert.InRange(parsedSome, 1, 19999);
    }
}
