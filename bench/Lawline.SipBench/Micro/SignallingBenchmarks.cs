using System.Text;
using BenchmarkDotNet.Attributes;
using Lawline.Sip.Auth;
using Lawline.Sip.Messages;

namespace Lawline.SipBench.Micro;

/// <summary>Per-message costs on the signalling path: parsing a typical INVITE, verifying a digest REGISTER.</summary>
[Config(typeof(MicroConfig))]
public class SignallingBenchmarks
{
    private const string Realm = "lawline";

    private const string Sdp = "v=0\r\no=- 1234567890 1234567890 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n" +
        "m=audio 30000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n";

    private static readonly byte[] Invite = Encoding.UTF8.GetBytes(string.Join("\r\n",
        "INVITE sip:12348@10.0.0.5:5060 SIP/2.0",
        "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK-524287-1---d8f3a0c1e2b4;rport",
        "Max-Forwards: 70",
        "Contact: <sip:13800138000@10.0.0.9:5060;transport=udp>",
        "To: <sip:12348@hotline.example.cn>",
        "From: \"13800138000\" <sip:13800138000@carrier.example.cn>;tag=9fxced76sl",
        "Call-ID: 3848276298220188511@10.0.0.9",
        "CSeq: 1 INVITE",
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, INFO",
        "Supported: replaces, timer",
        "Session-Expires: 1800",
        "P-Asserted-Identity: <tel:+8613800138000>",
        "User-Agent: Carrier SBC 5.1",
        "Content-Type: application/sdp",
        $"Content-Length: {Sdp.Length}",
        "",
        Sdp));

    private DigestAuthenticator authenticator = null!;
    private SipRequest register = null!;
    private readonly Accounts accounts = new();

    [GlobalSetup]
    public void Setup()
    {
        authenticator = new DigestAuthenticator(TimeProvider.System, new DigestAuthenticatorOptions { OfferSha256 = false });
        var challenge = DigestChallenge.TryParse(authenticator.CreateChallenge(Realm))!;
        var credentials = DigestClient.Answer(challenge, "REGISTER", "sip:hotline.example.cn", "8001", "secret-8001");
        register = (SipRequest)SipParser.Parse(string.Join("\r\n",
            "REGISTER sip:hotline.example.cn SIP/2.0",
            "Via: SIP/2.0/UDP 10.0.0.20:5060;branch=z9hG4bK776asdhds;rport",
            "Max-Forwards: 70",
            "To: <sip:8001@hotline.example.cn>",
            "From: <sip:8001@hotline.example.cn>;tag=456248",
            "Call-ID: 843817637684230@10.0.0.20",
            "CSeq: 2 REGISTER",
            "Contact: <sip:8001@10.0.0.20:5060>",
            "Expires: 600",
            $"Authorization: {credentials}",
            "Content-Length: 0",
            "",
            ""));
    }

    [Benchmark(Description = "parse INVITE with SDP (~900 bytes)")]
    public SipMessage ParseInvite() => SipParser.Parse(Invite);

    [Benchmark(Description = "verify digest REGISTER (MD5, qop=auth)")]
    public async ValueTask<bool> VerifyDigest()
    {
        var verification = await authenticator.VerifyAsync(register, Realm, accounts, CancellationToken.None);
        return verification.IsOk ? true : throw new InvalidOperationException(verification.Outcome.ToString());
    }

    private sealed class Accounts : IDigestCredentialStore
    {
        private readonly DigestSecret secret = DigestSecret.FromPassword("secret-8001");

        public ValueTask<DigestSecret?> FindAsync(string username, string realm, CancellationToken cancellationToken) =>
            ValueTask.FromResult<DigestSecret?>(username == "8001" ? secret : null);
    }
}
