using System.Text;
using Lawline.Sip.Messages;

namespace Lawline.Sip.Tests.Messages;

/// <summary>RFC 4475 torture messages: what our parser and a UAS built on it must do with each.</summary>
public sealed class TortureTests
{
    public enum Outcome
    {
        /// <summary>Parses; a UAS may process it (SipRequestChecks finds nothing).</summary>
        Accepted,

        /// <summary>The parser rejects it with SipParseException (the RFC says 400 or discard).</summary>
        Rejected,

        /// <summary>Parses, but SipRequestChecks tells the UAS to answer with the given status.</summary>
        Answered,
    }

    private static readonly HashSet<string> Supported = new(StringComparer.OrdinalIgnoreCase) { "100rel", "timer", "replaces" };

    public static TheoryData<string, Outcome, int> Cases => new()
    {
        // §3.1.1 valid messages
        { "wsinv", Outcome.Accepted, 0 },
        { "intmeth", Outcome.Accepted, 0 },
        { "esc01", Outcome.Accepted, 0 },
        { "escnull", Outcome.Accepted, 0 },
        { "esc02", Outcome.Accepted, 0 },
        { "lwsdisp", Outcome.Accepted, 0 },
        { "longreq", Outcome.Accepted, 0 },
        { "dblreq", Outcome.Accepted, 0 },
        { "semiuri", Outcome.Accepted, 0 },
        { "transports", Outcome.Accepted, 0 },
        { "mpart01", Outcome.Accepted, 0 },
        { "unreason", Outcome.Accepted, 0 },
        { "noreason", Outcome.Accepted, 0 },

        // §3.1.2 invalid messages
        { "badinv01", Outcome.Rejected, 0 },
        { "clerr", Outcome.Rejected, 0 },
        { "ncl", Outcome.Rejected, 0 },
        { "scalar02", Outcome.Rejected, 0 },
        { "scalarlg", Outcome.Rejected, 0 },
        { "quotbal", Outcome.Rejected, 0 },
        { "ltgtruri", Outcome.Rejected, 0 },
        { "lwsruri", Outcome.Rejected, 0 },
        { "lwsstart", Outcome.Rejected, 0 },
        { "trws", Outcome.Rejected, 0 },
        { "escruri", Outcome.Rejected, 0 },
        { "baddate", Outcome.Answered, 400 },
        { "regbadct", Outcome.Rejected, 0 },
        { "badaspec", Outcome.Rejected, 0 },
        { "baddn", Outcome.Rejected, 0 },
        { "badvers", Outcome.Answered, 505 },
        { "mismatch01", Outcome.Rejected, 0 },
        { "mismatch02", Outcome.Rejected, 0 },
        { "bigcode", Outcome.Rejected, 0 },

        // §3.2 transaction layer
        { "badbranch", Outcome.Accepted, 0 },

        // §3.3 application layer
        { "insuf", Outcome.Rejected, 0 },
        { "unkscm", Outcome.Answered, 416 },
        { "novelsc", Outcome.Answered, 416 },
        { "unksm2", Outcome.Accepted, 0 },
        { "bext01", Outcome.Answered, 420 },
        { "invut", Outcome.Accepted, 0 },
        { "regaut01", Outcome.Accepted, 0 },
        { "multi01", Outcome.Rejected, 0 },
        { "mcl01", Outcome.Rejected, 0 },
        { "bcast", Outcome.Accepted, 0 },
        { "zeromf", Outcome.Accepted, 0 },
        { "cparam01", Outcome.Accepted, 0 },
        { "cparam02", Outcome.Accepted, 0 },
        { "regescrt", Outcome.Accepted, 0 },
        { "sdp01", Outcome.Accepted, 0 },

        // §3.4 backward compatibility
        { "inv2543", Outcome.Accepted, 0 },
    };

    public static TheoryData<string> ValidMessages
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var row in Cases)
            {
                if ((Outcome)row[1] is not Outcome.Rejected)
                {
                    data.Add((string)row[0]);
                }
            }

            return data;
        }
    }

    internal static byte[] Load(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "Torture", name + ".dat"));

    internal static IEnumerable<string> AllNames() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "Torture"), "*.dat")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Message_has_the_outcome_RFC_4475_asks_for(string name, Outcome outcome, int status)
    {
        var data = Load(name);
        if (outcome == Outcome.Rejected)
        {
            Assert.Throws<SipParseException>(() => SipParser.Parse(data));
            return;
        }

        var message = SipParser.Parse(data);
        if (message is not SipRequest request)
        {
            Assert.Equal(Outcome.Accepted, outcome);
            return;
        }

        var rejection = SipRequestChecks.Check(request, Supported);
        if (outcome == Outcome.Accepted)
        {
            Assert.Null(rejection);
        }
        else
        {
            Assert.NotNull(rejection);
            Assert.Equal(status, rejection.StatusCode);
        }
    }

    [Fact]
    public void Every_data_file_has_an_expected_outcome()
    {
        var listed = Cases.Select(row => (string)row[0]).ToHashSet();
        Assert.Equal(49, listed.Count);
        Assert.Equal(listed.Order(StringComparer.Ordinal), AllNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Data_files_keep_their_CRLF_line_ends_and_binary_octets()
    {
        var wsinv = Load("wsinv");
        Assert.Equal("\r\n"u8.ToArray(), wsinv.AsSpan(wsinv.AsSpan().IndexOf((byte)'\n') - 1, 2).ToArray());
        Assert.Contains((byte)0, Load("intmeth"));
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void Valid_message_round_trips(string name)
    {
        var first = SipParser.Parse(Load(name));
        var second = SipParser.Parse(first.ToBytes());

        Assert.Equal(StartLine(first), StartLine(second));
        Assert.Equal(WithoutContentLength(first), WithoutContentLength(second));
        Assert.Equal(first.Body, second.Body);

        static string StartLine(SipMessage message) => message switch
        {
            SipRequest request => $"{request.Method} {request.Uri} {request.SipVersion}",
            SipResponse response => $"{response.SipVersion} {response.StatusCode} {response.ReasonPhrase}",
            _ => throw new InvalidOperationException(),
        };

        static List<SipHeader> WithoutContentLength(SipMessage message) =>
            message.Headers.All.Where(h => h.Name != HeaderNames.ContentLength).ToList();
    }

    [Fact]
    public void Wsinv_folded_compact_and_unknown_headers()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Load("wsinv")));

        Assert.Equal("INVITE", request.Method);
        Assert.True(request.Uri.Parameters.Contains("unknownparam"));
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", request.CallId);
        Assert.Equal(new CSeqHeader(9, "INVITE"), request.CSeq);
        Assert.Equal(68, request.MaxForwards);
        Assert.Equal("1918181833n", request.To.Tag);
        Assert.Equal("J Rosenberg \\\"", request.From.DisplayName);
        Assert.Equal("98asjd8", request.From.Tag);

        // RFC 3261 §7.3.1: a fold is one SP; unknown headers are kept with their value as written.
        Assert.Equal("newfangled value continued newfangled value", request.Headers["NewFangledHeader"]);
        Assert.Equal(";;,,;;,;", request.Headers["UnknownHeaderWithUnusualValue"]);
        Assert.Equal("", request.Headers["Subject"]);

        // 'v' and 'm' are expanded to their long names (§7.3.3), so no header keeps the compact name.
        Assert.DoesNotContain(request.Headers.All, h => h.Name is "v" or "m" or "s");
        Assert.Equal(2, request.Headers.Lines(HeaderNames.Via).Count());
        var vias = request.Vias;
        Assert.Equal(["192.0.2.2", "spindle.example.com", "192.168.255.111"], vias.Select(v => v.Host));
        Assert.Equal(["UDP", "TCP", "UDP"], vias.Select(v => v.Transport));
        Assert.Equal("z9hG4bK9ikj8", vias[1].Branch);
        Assert.Equal("z9hG4bK30239", vias[2].Branch);

        var contact = Assert.Single(request.Contacts);
        Assert.Equal("Quoted string \"\"", contact.DisplayName);
        Assert.Equal("newvalue", contact.Parameters["newparam"]);
        Assert.True(contact.Parameters.Contains("secondparam"));
        Assert.Equal("0.33", contact.Parameters["q"]);
        Assert.Equal("services.example.com", Assert.Single(request.Routes).Uri.Host);
        Assert.Equal(150, request.Body.Length);
    }

    [Fact]
    public void Intmeth_wide_range_of_valid_characters()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Load("intmeth")));

        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", request.Method);
        Assert.Equal(request.Method, request.CSeq.Method);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", request.Uri.User);
        Assert.Equal("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", request.Uri.Password);
        Assert.Equal("example.com", request.Uri.Host);
        Assert.Equal("BEL:\a NUL:\0 DEL:\u007f", request.To.DisplayName);
        Assert.Equal("token1~` token2'+_ token3*%!.-", request.From.DisplayName);
        Assert.Equal("_token~1'+`*%!-.", request.From.Tag);
        Assert.Equal("\"работающий\"", request.From.Parameters["fromParam''~+*_!.-%"]);
        Assert.Equal("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", request.CallId);
        Assert.Equal("z9hG4bK-.!%66*_+`'~", request.TopVia.Branch);
        Assert.Equal("\uFEFF大停電", request.Headers["extensionHeader-!.%*+_`'~"]);
    }

    [Fact]
    public void Esc01_and_escnull_escaped_users_compare_unescaped()
    {
        var esc01 = Assert.IsType<SipRequest>(SipParser.Parse(Load("esc01")));
        Assert.Equal("sips%3Auser%40example.com", esc01.Uri.User);
        Assert.Equal("sips:user@example.com", esc01.Uri.UnescapedUser);
        Assert.Equal("example.net", esc01.Uri.Host);
        Assert.Equal("user", esc01.To.Uri.UnescapedUser);
        Assert.Equal("I have spaces", esc01.From.Uri.UnescapedUser);
        var contact = Assert.Single(esc01.Contacts).Uri;
        Assert.Equal("caller", contact.UnescapedUser);
        Assert.True(contact.Parameters.Contains("%6C%72"));

        // RFC 3986: unescaping is never recursive, so "v%61lue%25%34%31" is "value%41", not "valueA".
        Assert.Equal("value%41", SipUri.Unescape(contact.Parameters["n%61me"]!));

        var escnull = SipParser.Parse(Load("escnull"));
        Assert.Equal("null-\0-null", escnull.To.Uri.UnescapedUser);
        Assert.Equal(["\0", "\0\0"], escnull.Contacts.Select(c => c.Uri.UnescapedUser));
    }

    [Fact]
    public void Esc02_percent_is_not_an_escape_in_methods_and_header_names()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Load("esc02")));
        Assert.Equal("RE%47IST%45R", request.Method);
        Assert.Equal("%Z%45", request.To.DisplayName);
        Assert.Equal(["alias1", "alias3"], request.Contacts.Select(c => c.Uri.User));
        Assert.Equal("<sip:alias2@host2.example.com>", request.Headers["C%6Fntact"]);
    }

    [Fact]
    public void Lwsdisp_display_name_without_space_before_angle()
    {
        var message = SipParser.Parse(Load("lwsdisp"));
        Assert.Equal("caller", message.From.DisplayName);
        Assert.Equal("323", message.From.Tag);
    }

    [Fact]
    public void Longreq_long_values()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Load("longreq")));
        Assert.Equal(34, request.Vias.Count);
        Assert.Equal("sip33.example.com", request.TopVia.Host);
        Assert.Equal("verylong" + string.Concat(Enumerable.Repeat("long", 49)) + "branchvalue", request.Vias[^1].Branch);
        Assert.Equal("I have a user name of " + string.Concat(Enumerable.Repeat("extreme", 10)) + " proportion", request.To.DisplayName);
        Assert.Equal(6000, request.To.Uri.Port);
        Assert.Equal("12" + string.Concat(Enumerable.Repeat("982", 50)) + "424", request.From.Tag);
        Assert.Equal("longreq.one" + string.Concat(Enumerable.Repeat("really", 20)) + "longcallid", request.CallId);
        Assert.Equal(string.Concat(Enumerable.Repeat("amazinglylongcallername", 5)), Assert.Single(request.Contacts).Uri.User);
    }

    [Fact]
    public void Dblreq_trailing_request_in_the_datagram_is_ignored()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Load("dblreq")));
        Assert.Equal("REGISTER", request.Method);
        Assert.Empty(request.Body);
    }

    [Fact]
    public void Semiuri_transports_mpart_and_reason_phrases()
    {
        var semiuri = Assert.IsType<SipRequest>(SipParser.Parse(Load("semiuri")));
        Assert.Equal("user;par=u%40example.net", semiuri.Uri.User);
        Assert.Equal(0, semiuri.Uri.Parameters.Count);
        Assert.Equal(6, semiuri.Headers.Values(HeaderNames.Accept).Count);

        var transports = SipParser.Parse(Load("transports"));
        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], transports.Vias.Select(v => v.Transport));

        var mpart = SipParser.Parse(Load("mpart01"));
        Assert.Equal(553, mpart.Body.Length);
        Assert.StartsWith("multipart/mixed", mpart.ContentType, StringComparison.Ordinal);

        var unreason = Assert.IsType<SipResponse>(SipParser.Parse(Load("unreason")));
        Assert.Equal(200, unreason.StatusCode);
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", unreason.ReasonPhrase);

        var noreason = Assert.IsType<SipResponse>(SipParser.Parse(Load("noreason")));
        Assert.Equal(100, noreason.StatusCode);
        Assert.Equal("", noreason.ReasonPhrase);
    }

    [Fact]
    public void Application_layer_messages_expose_what_the_UA_needs()
    {
        var zeromf = Assert.IsType<SipRequest>(SipParser.Parse(Load("zeromf")));
        Assert.Equal(0, zeromf.MaxForwards); // RFC 4475 §3.3.11: a proxy answers 483, a UAS processes it.

        var bext = Assert.IsType<SipRequest>(SipParser.Parse(Load("bext01")));
        var rejection = SipRequestChecks.Check(bext, Supported);
        Assert.Equal(["nothingSupportsThis", "nothingSupportsThisEither"], rejection!.Unsupported);

        // RFC 4475 §3.3.12/§3.3.13: without <> the parameter belongs to the Contact, inside it to the URI.
        var cparam01 = Assert.Single(SipParser.Parse(Load("cparam01")).Contacts);
        Assert.True(cparam01.Parameters.Contains("unknownparam"));
        Assert.False(cparam01.Uri.Parameters.Contains("unknownparam"));
        var cparam02 = Assert.Single(SipParser.Parse(Load("cparam02")).Contacts);
        Assert.False(cparam02.Parameters.Contains("unknownparam"));
        Assert.True(cparam02.Uri.Parameters.Contains("unknownparam"));

        var regescrt = Assert.Single(SipParser.Parse(Load("regescrt")).Contacts);
        Assert.Equal("Route=%3Csip:sip.example.com%3E", regescrt.Uri.Headers);

        var unksm2 = SipParser.Parse(Load("unksm2"));
        Assert.Equal("isbn", unksm2.To.Uri.Scheme);
        Assert.Equal("http", unksm2.From.Uri.Scheme);
        Assert.Equal("name", Assert.Single(unksm2.Contacts).Uri.Scheme);

        var badbranch = SipParser.Parse(Load("badbranch"));
        Assert.Equal(ViaHeader.MagicCookie, badbranch.TopVia.Branch);

        var inv2543 = Assert.IsType<SipRequest>(SipParser.Parse(Load("inv2543")));
        Assert.Null(inv2543.TopVia.Branch);
        Assert.Null(inv2543.MaxForwards);

        var bcast = SipParser.Parse(Load("bcast"));
        Assert.Equal("255.255.255.255", bcast.Vias[1].Host);

        var invut = SipParser.Parse(Load("invut"));
        Assert.Equal("application/unknownformat", invut.ContentType);
        Assert.Equal(40, Encoding.UTF8.GetByteCount(invut.BodyText));
    }
}
