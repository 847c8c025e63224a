using Lawline.Sip.Auth;
using Lawline.Sip.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Sip.Tests.Auth;

public sealed class DigestAuthenticatorTests
{
    private const string Realm = "pbx.lawline.test";

    private sealed class Users(Dictionary<string, DigestSecret> secrets) : IDigestCredentialStore
    {
        public int Lookups { get; private set; }

        public ValueTask<DigestSecret?> FindAsync(string username, string realm, CancellationToken cancellationToken)
        {
            Lookups++;
            return ValueTask.FromResult(realm == Realm ? secrets.GetValueOrDefault(username) : null);
        }
    }

    private static readonly Users Store = new(new()
    {
        ["alice"] = DigestSecret.FromPassword("wonderland"),
        ["bob"] = DigestSecret.Hash("bob", Realm, "builder"),
        ["carol"] = DigestSecret.FromHa1(DigestMath.Ha1(DigestAlgorithm.Md5, "carol", Realm, "md5only")),
    });

    // RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256.
    [Theory]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616_example_responses(string algorithm, string expected)
    {
        var challenge = new DigestChallenge(
            "http-auth@example.org", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", algorithm, ["auth", "auth-int"], false);

        var credentials = DigestClient.Answer(challenge, "GET", "/dir/index.html", "Mufasa", "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");

        Assert.Equal(expected, credentials.Response);
        Assert.Equal("00000001", credentials.NonceCount);
        Assert.Equal("auth", credentials.Qop);
    }

    // RFC 2617 §3.5 (the "Circle Of Life" example with qop=auth).
    [Fact]
    public void Rfc2617_example_response()
    {
        var challenge = DigestChallenge.TryParse(
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")!;

        var credentials = DigestClient.Answer(challenge, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", "0a4f113b");

        Assert.Equal("6629fae49393a05397450978507c4ef1", credentials.Response);
        Assert.Null(credentials.Algorithm);
        Assert.Equal("5ccc069c403ebaf9f0171e9517f40e41", credentials.Opaque);
    }

    [Fact]
    public void Credentials_round_trip_through_the_header_value()
    {
        var value = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", algorithm=SHA-256, "
            + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", "
            + "qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

        var parsed = DigestCredentials.TryParse(value);

        Assert.NotNull(parsed);
        Assert.Equal("Mufasa", parsed.Username);
        Assert.Equal("SHA-256", parsed.Algorithm);
        Assert.Equal("00000001", parsed.NonceCount);
        Assert.Equal(parsed, DigestCredentials.TryParse(parsed.ToString()));
    }

    [Theory]
    [InlineData("NoOneKnowsThisScheme opaque-data=here")] // RFC 4475 §3.3.7 regaut01
    [InlineData("Digest username=\"a\", realm=\"r\"")]
    [InlineData("Digest username=\"a, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"")]
    [InlineData("Digest username=\"a\" realm=\"r\"")]
    [InlineData("Digest")]
    [InlineData("")]
    [InlineData("Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"")]
    public void Malformed_credentials_do_not_parse(string value) => Assert.Null(DigestCredentials.TryParse(value));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Register_round_trip_between_our_client_and_server(bool offerSha256)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var server = new DigestAuthenticator(clock, new DigestAuthenticatorOptions { OfferSha256 = offerSha256 });

        // sipp-style REGISTER: no credentials → 401 with our challenges.
        var register = Register(cseq: 1);
        var first = await server.VerifyAsync(register, Realm, Store, CancellationToken.None);
        Assert.Equal(DigestOutcome.Missing, first.Outcome);
        var challenge = SipParser.Parse(server.CreateChallengeResponse(register, Realm, toTag: "reg1").ToBytes());
        var unauthorized = Assert.IsType<SipResponse>(challenge);
        Assert.Equal(401, unauthorized.StatusCode);
        Assert.Equal(offerSha256 ? 2 : 1, unauthorized.Headers.Lines(HeaderNames.WwwAuthenticate).Count());

        // The client answers on the wire, the server checks what it receives.
        var retry = Register(cseq: 2);
        Assert.True(DigestClient.Authorize(retry, unauthorized, "alice", "wonderland"));
        var received = Assert.IsType<SipRequest>(SipParser.Parse(retry.ToBytes()));
        var result = await server.VerifyAsync(received, Realm, Store, CancellationToken.None);

        Assert.Equal(DigestOutcome.Ok, result.Outcome);
        Assert.Equal(offerSha256 ? "SHA-256" : "MD5", result.Credentials!.Algorithm);
        Assert.Equal("sip:pbx.lawline.test", result.Credentials.Uri);
    }

    [Fact]
    public async Task Stored_ha1_verifies_and_an_md5_only_secret_cannot_answer_sha256()
    {
        var server = new DigestAuthenticator(new FakeTimeProvider());
        var sha = Answer(server, "bob", "builder", DigestAlgorithm.Sha256);
        Assert.Equal(DigestOutcome.Ok, (await server.VerifyAsync("REGISTER", sha, Realm, Store, CancellationToken.None)).Outcome);

        var carolMd5 = Answer(server, "carol", "md5only", DigestAlgorithm.Md5);
        Assert.Equal(DigestOutcome.Ok, (await server.VerifyAsync("REGISTER", carolMd5, Realm, Store, CancellationToken.None)).Outcome);
        var carolSha = Answer(server, "carol", "md5only", DigestAlgorithm.Sha256);
        Assert.Equal(DigestOutcome.UnsupportedAlgorithm, (await server.VerifyAsync("REGISTER", carolSha, Realm, Store, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Wrong_password_unknown_user_and_wrong_method_are_told_apart()
    {
        var server = new DigestAuthenticator(new FakeTimeProvider());

        var wrong = Answer(server, "alice", "looking-glass", DigestAlgorithm.Md5);
        Assert.Equal(DigestOutcome.WrongPassword, (await server.VerifyAsync("REGISTER", wrong, Realm, Store, CancellationToken.None)).Outcome);

        var nobody = Answer(server, "mallory", "x", DigestAlgorithm.Md5);
        Assert.Equal(DigestOutcome.UnknownUser, (await server.VerifyAsync("REGISTER", nobody, Realm, Store, CancellationToken.None)).Outcome);

        // The response covers the method: credentials for REGISTER do not authorize an INVITE.
        var right = Answer(server, "alice", "wonderland", DigestAlgorithm.Md5);
        Assert.Equal(DigestOutcome.WrongPassword, (await server.VerifyAsync("INVITE", right, Realm, Store, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Legacy_client_without_qop_is_accepted()
    {
        var server = new DigestAuthenticator(new FakeTimeProvider());
        var challenge = DigestChallenge.TryParse(server.CreateChallenge(Realm))! with { Qop = [] };

        var credentials = DigestClient.Answer(challenge, "REGISTER", "sip:pbx.lawline.test", "alice", "wonderland");

        Assert.Null(credentials.Qop);
        Assert.Null(credentials.Cnonce);
        Assert.Equal(DigestOutcome.Ok, (await server.VerifyAsync("REGISTER", credentials, Realm, Store, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Expired_nonce_with_the_right_password_is_stale_and_rechallenged_with_stale_true()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var server = new DigestAuthenticator(clock, new DigestAuthenticatorOptions { NonceLifetime = TimeSpan.FromMinutes(5) });
        var credentials = Answer(server, "alice", "wonderland", DigestAlgorithm.Md5);

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(DigestOutcome.Ok, (await server.VerifyAsync("REGISTER", credentials, Realm, Store, CancellationToken.None)).Outcome);

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(DigestOutcome.StaleNonce, (await server.VerifyAsync("REGISTER", credentials, Realm, Store, CancellationToken.None)).Outcome);

        // An old nonce with a wrong password is not "stale": the user must be asked again (RFC 7616 §3.3).
        var wrong = credentials with { Response = new string('0', 32) };
        Assert.Equal(DigestOutcome.WrongPassword, (await server.VerifyAsync("REGISTER", wrong, Realm, Store, CancellationToken.None)).Outcome);

        Assert.True(DigestChallenge.TryParse(server.CreateChallenge(Realm, stale: true))!.Stale);
    }

    [Fact]
    public async Task Forged_or_foreign_nonces_are_rejected_before_any_user_lookup()
    {
        var clock = new FakeTimeProvider();
        var server = new DigestAuthenticator(clock);
        var genuine = DigestChallenge.TryParse(server.CreateChallenge(Realm))!;
        var users = new Users(new() { ["alice"] = DigestSecret.FromPassword("wonderland") });

        // A nonce with one bit changed (e.g. a pushed-back issue time) fails the HMAC.
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(genuine.Nonce);
        bytes[7] ^= 1;
        var tampered = genuine with { Nonce = System.Buffers.Text.Base64Url.EncodeToString(bytes) };
        // A nonce from another process (another key), and a made-up one.
        var foreign = DigestChallenge.TryParse(new DigestAuthenticator(clock).CreateChallenge(Realm))!;
        var invented = genuine with { Nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093" };

        foreach (var challenge in (DigestChallenge[])[tampered, foreign, invented])
        {
            var credentials = DigestClient.Answer(challenge, "REGISTER", "sip:pbx.lawline.test", "alice", "wonderland");
            Assert.Equal(DigestOutcome.InvalidNonce, (await server.VerifyAsync("REGISTER", credentials, Realm, users, CancellationToken.None)).Outcome);
        }

        Assert.Equal(0, users.Lookups);
    }

    [Fact]
    public async Task Nonce_issued_for_another_realm_is_invalid_here()
    {
        var server = new DigestAuthenticator(new FakeTimeProvider());
        var other = DigestChallenge.TryParse(server.CreateChallenge("other.realm"))!;
        var credentials = DigestClient.Answer(other with { Realm = Realm }, "REGISTER", "sip:pbx.lawline.test", "alice", "wonderland");

        Assert.Equal(DigestOutcome.InvalidNonce, (await server.VerifyAsync("REGISTER", credentials, Realm, Store, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Regaut01_unknown_scheme_gets_a_challenge()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Torture", "regaut01.dat"))));
        var server = new DigestAuthenticator(new FakeTimeProvider());

        Assert.Equal(DigestOutcome.Missing, (await server.VerifyAsync(request, "example.com", Store, CancellationToken.None)).Outcome);
    }

    [Fact]
    public void Client_prefers_sha256_and_skips_what_it_cannot_answer()
    {
        var chosen = DigestClient.Choose([
            "Basic realm=\"x\"",
            "Digest realm=\"r\", nonce=\"1\", algorithm=MD5, qop=\"auth\"",
            "Digest realm=\"r\", nonce=\"2\", algorithm=SHA-512-256, qop=\"auth\"",
            "Digest realm=\"r\", nonce=\"3\", algorithm=SHA-256, qop=\"auth\"",
        ]);
        Assert.Equal("3", chosen!.Nonce);

        Assert.Equal("1", DigestClient.Choose(["Digest realm=\"r\", nonce=\"1\", qop=\"auth\""])!.Nonce);
        Assert.Null(DigestClient.Choose(["Digest realm=\"r\", nonce=\"1\", qop=\"auth-int\""]));
    }

    [Fact]
    public async Task Random_header_values_and_nonces_never_throw()
    {
        var server = new DigestAuthenticator(new FakeTimeProvider());
        var valid = Answer(server, "alice", "wonderland", DigestAlgorithm.Md5).ToString();
        const string alphabet = "Digest=\",\\ \t=abcXYZ019+/-_%\0";
        var random = new Random(7616);
        for (var i = 0; i < 5_000; i++)
        {
            var chars = valid.ToCharArray();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars, 0, random.Next(chars.Length + 1));
            _ = DigestChallenge.TryParse(text);
            if (DigestCredentials.TryParse(text) is { } credentials)
            {
                _ = await server.VerifyAsync("REGISTER", credentials, Realm, Store, CancellationToken.None);
            }
        }
    }

    private static DigestCredentials Answer(DigestAuthenticator server, string user, string password, DigestAlgorithm algorithm) =>
        DigestClient.Answer(DigestChallenge.TryParse(server.CreateChallenge(Realm, algorithm))!, "REGISTER", "sip:pbx.lawline.test", user, password);

    private static SipRequest Register(uint cseq)
    {
        var request = new SipRequest(SipMethods.Register, SipUri.Parse("sip:pbx.lawline.test"));
        request.Headers.Add(HeaderNames.Via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-reg" + cseq + ";rport");
        request.Headers.Add(HeaderNames.MaxForwards, "70");
        request.Headers.Add(HeaderNames.From, "<sip:alice@pbx.lawline.test>;tag=a1");
        request.Headers.Add(HeaderNames.To, "<sip:alice@pbx.lawline.test>");
        request.Headers.Add(HeaderNames.CallId, "reg-1@192.0.2.10");
        request.Headers.Add(HeaderNames.CSeq, cseq + " REGISTER");
        request.Headers.Add(HeaderNames.Contact, "<sip:alice@192.0.2.10:5060>");
        request.Headers.Add(HeaderNames.Expires, "3600");
        return request;
    }
}
