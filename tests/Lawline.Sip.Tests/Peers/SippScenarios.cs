using System.Globalization;
using System.Text;

namespace Lawline.Sip.Tests.Peers;

/// <summary>
/// Our sipp scenarios (sipp 3.6.1). Each UAC follows Record-Route (rrs) and sends in-dialog requests to
/// [next_url] with [routes], so it works both directly against a UA and through a proxy.
/// Every INVITE and BYE we send is retransmitted every 500 ms until answered (retrans="500").
/// </summary>
internal static class SippScenarios
{
    /// <summary>Where the sip-tester package ships its sample RTP captures.</summary>
    public const string MediaDirectory = "/usr/share/sip-tester";

    /// <summary>PCMA speech, about 7 s.</summary>
    public const string SpeechPcap = MediaDirectory + "/g711a.pcap";

    /// <summary>The RFC 2833 capture for one DTMF digit (0-9, *, #), payload type 101.</summary>
    public static string DtmfPcap(char digit) => digit switch
    {
        >= '0' and <= '9' => $"{MediaDirectory}/dtmf_2833_{digit}.pcap",
        '*' => $"{MediaDirectory}/dtmf_2833_star.pcap",
        '#' => $"{MediaDirectory}/dtmf_2833_pound.pcap",
        _ => throw new ArgumentOutOfRangeException(nameof(digit), digit, "sipp ships DTMF captures for 0-9, * and # only."),
    };

    /// <summary>
    /// (a) UAC: INVITE offering PCMA (8) and telephone-event (101); after the 200 it ACKs, plays the PCMA speech
    /// capture (g711a.pcap), then each digit's RFC 2833 capture (PT 101), stays <paramref name="afterDigitsMs"/> longer
    /// (an IVR caller waiting for what the key leads to), then sends BYE.
    /// Expects the far end to answer 200 with SDP (100/180/183 optional) and to answer BYE with 200.
    /// </summary>
    public static string UacPcapThenDtmf(string digits = "1", int speechMs = 8000, int afterDigitsMs = 0) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="UAC PCMA capture then RFC 2833 DTMF captures then BYE">
        {{Invite(8, "PCMA")}}
        {{AnswerAndAck}}
          <nop><action><exec play_pcap_audio="{{SpeechPcap}}"/></action></nop>
          <pause milliseconds="{{speechMs}}"/>
        {{string.Concat(digits.Select(d => $"""
              <nop><action><exec play_pcap_audio="{DtmfPcap(d)}"/></action></nop>
              <pause milliseconds="600"/>

            """))}}
        {{(afterDigitsMs > 0 ? $"  <pause milliseconds=\"{afterDigitsMs}\"/>" : "")}}
        {{ByeFromCaller}}
        </scenario>
        """;

    /// <summary>
    /// (b) UAC: INVITE offering PCMU (0) and telephone-event as PT 96; after the 200 it streams a µ-law WAV with
    /// rtp_stream for <paramref name="audioMs"/>, then play_dtmf sends <paramref name="digits"/> (RFC 4733, PT 96,
    /// after 20 warm-up packets of PT 97 and with its own SSRC), waits <paramref name="afterMs"/>, and sends BYE.
    /// The SDP uses [media_port], the port rtp_stream and play_dtmf send from.
    /// Expects 200 with SDP and a 200 to the BYE.
    /// </summary>
    public static string UacWavThenDtmf(string muLawWav, string digits = "12#", int audioMs = 3000, int afterMs = 2000) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="UAC rtp_stream WAV then play_dtmf then BYE">
        {{Invite(0, "PCMU", telephoneEventPt: 96, mediaPortKeyword: "[media_port]", mediaIpKeyword: "[media_ip]")}}
        {{AnswerAndAck}}
          <nop><action><exec rtp_stream="{{muLawWav}},1,0,PCMU/8000"/></action></nop>
          <pause milliseconds="{{audioMs}}"/>
          <nop><action><exec play_dtmf="{{digits}}"/></action></nop>
          <pause milliseconds="{{afterMs}}"/>
        {{ByeFromCaller}}
        </scenario>
        """;

    // RFC 3261 §9.1 and §17.1.1.3: the CANCEL and the ACK of the 487 carry the INVITE's branch; sipp's
    // [branch-N] repeats the branch of the scenario element N places earlier (recv and pause count).
    /// <summary>
    /// (c) UAC: INVITE, waits for 180 Ringing (100 optional), lets it ring <paramref name="ringMs"/>, sends CANCEL.
    /// Expects the far end NOT to answer: 200 to the CANCEL, then 487 Request Terminated to the INVITE, which it ACKs.
    /// </summary>
    public static string UacCancelBeforeAnswer(int ringMs = 500) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="UAC INVITE then CANCEL before answer">
        {{Invite(0, "PCMU")}}
          <recv response="100" optional="true"/>
          <recv response="180"/>
          <pause milliseconds="{{ringMs}}"/>
          <send retrans="500"><![CDATA[
              CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-4];rport
              From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 CANCEL
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
          <recv response="200"/>
          <recv response="487"/>
          <send><![CDATA[
              ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-7];rport
              From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 1 ACK
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
        </scenario>
        """;

    /// <summary>
    /// (d) UAC: INVITE, ACKs the 200, then waits up to <paramref name="waitForByeMs"/> for the far end to send BYE and
    /// answers it 200. Expects the far end to hang up.
    /// </summary>
    public static string UacExpectsByeFromFarEnd(int waitForByeMs = 15000) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="UAC waits for the far end's BYE">
        {{Invite(0, "PCMU")}}
        {{AnswerAndAck}}
          <recv request="BYE" timeout="{{waitForByeMs}}"/>
        {{OkToRequest}}
        </scenario>
        """;

    /// <summary>
    /// (e) UAC: INVITE, receives the 200 but withholds the ACK for <paramref name="withholdAckMs"/> (default 1800 ms,
    /// enough for retransmissions at 0.5 s and 1.5 s under RFC 3261 §13.3.1.4), then ACKs, waits 500 ms and BYEs.
    /// Expects the far end to retransmit its 2xx until the ACK arrives; count the copies with
    /// <see cref="SippResult.CountReceived"/>("SIP/2.0 200", "INVITE") on a run with TraceMessages.
    /// </summary>
    public static string UacWithholdsAck(int withholdAckMs = 1800) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="UAC withholds the ACK so the 200 is retransmitted">
        {{Invite(0, "PCMU")}}
          <recv response="100" optional="true"/>
          <recv response="180" optional="true"/>
          <recv response="183" optional="true"/>
          <recv response="200" rtd="true" rrs="true"/>
          <pause milliseconds="{{withholdAckMs}}"/>
        {{Ack}}
          <pause milliseconds="500"/>
        {{ByeFromCaller}}
        </scenario>
        """;

    /// <summary>
    /// (f) REGISTER with digest, one user per call from an injection file made by <see cref="RegisterUsersCsv"/>:
    /// [field0] is the user, [field1] the whole "[authentication username=… password=…]" keyword
    /// (sipp 3.6.1 does not expand [field0] nested inside [authentication …]).
    /// Expects 401 (or 407) with a challenge, then 200 to the authenticated REGISTER.
    /// </summary>
    public static string RegisterWithDigest(int expiresSeconds = 300) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="REGISTER with digest">
          <send retrans="500"><![CDATA[
              REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              From: <sip:[field0]@[remote_ip]:[remote_port]>;tag=[pid]R[call_number]
              To: <sip:[field0]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 REGISTER
              Contact: <sip:[field0]@[local_ip]:[local_port]>
              Expires: {{expiresSeconds}}
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
          <recv response="401" auth="true" next="auth"/>
          <recv response="407" auth="true"/>
          <label id="auth"/>
          <send retrans="500"><![CDATA[
              REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              From: <sip:[field0]@[remote_ip]:[remote_port]>;tag=[pid]R[call_number]
              To: <sip:[field0]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 2 REGISTER
              Contact: <sip:[field0]@[local_ip]:[local_port]>
              [field1]
              Expires: {{expiresSeconds}}
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
          <recv response="200" rtd="true"/>
        </scenario>
        """;

    /// <summary>The injection file for <see cref="RegisterWithDigest"/>: users read in order, one per call.</summary>
    public static string RegisterUsersCsv(IEnumerable<(string User, string Password)> users)
    {
        var csv = new StringBuilder("SEQUENTIAL\n");
        foreach (var (user, password) in users)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{user};[authentication username={user} password={password}]\n");
        }
        return csv.ToString();
    }

    /// <summary>
    /// (g) UAS, a fake agent or trunk: receives INVITE, sends 180 then 200 with SDP for <paramref name="codec"/>
    /// (PCMU or PCMA) and telephone-event 101 (retransmitted until ACKed), receives the ACK, then waits up to
    /// <paramref name="waitForByeMs"/> for the caller's BYE and answers 200. Run with EchoRtp to echo the caller's RTP.
    /// Expects the far end to ACK and then hang up.
    /// </summary>
    public static string UasAnswersThenReceivesBye(string codec = "PCMU", int waitForByeMs = 30000) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="UAS answers then receives BYE">
        {{UasAnswer(codec, rememberParties: false)}}
          <recv request="BYE" timeout="{{waitForByeMs}}"/>
        {{OkToRequest}}
        </scenario>
        """;

    /// <summary>
    /// (h) UAS: answers like (g), then after <paramref name="hangupAfterMs"/> sends BYE itself and expects 200.
    /// Expects the far end to ACK the 200 and answer the BYE.
    /// </summary>
    public static string UasAnswersThenSendsBye(string codec = "PCMU", int hangupAfterMs = 2000) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="UAS answers then sends BYE">
        {{UasAnswer(codec, rememberParties: true)}}
          <pause milliseconds="{{hangupAfterMs}}"/>
          <send retrans="500"><![CDATA[
              BYE [next_url] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              [routes]
              From: [$local]
              To: [$remote]
              Call-ID: [call_id]
              CSeq: 1 BYE
              Contact: <sip:uas@[local_ip]:[local_port]>
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
          <recv response="200" crlf="true"/>
        </scenario>
        """;

    private static string Invite(int payloadType, string codec, int telephoneEventPt = 101,
        string mediaPortKeyword = "[auto_media_port]", string mediaIpKeyword = "[media_ip]") => $$"""
          <send retrans="500"><![CDATA[
              INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 INVITE
              Contact: <sip:caller@[local_ip]:[local_port]>
              Max-Forwards: 70
              Content-Type: application/sdp
              Content-Length: [len]

              v=0
              o=- 53655765 2353687637 IN IP[local_ip_type] [local_ip]
              s=-
              c=IN IP[media_ip_type] {{mediaIpKeyword}}
              t=0 0
              m=audio {{mediaPortKeyword}} RTP/AVP {{payloadType}} {{telephoneEventPt}}
              a=rtpmap:{{payloadType}} {{codec}}/8000
              a=rtpmap:{{telephoneEventPt}} telephone-event/8000
              a=fmtp:{{telephoneEventPt}} 0-15
              a=ptime:20
              a=sendrecv
            ]]></send>
        """;

    private const string Ack = """
          <send><![CDATA[
              ACK [next_url] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              [routes]
              From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 1 ACK
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
        """;

    private const string AnswerAndAck = """
          <recv response="100" optional="true"/>
          <recv response="180" optional="true"/>
          <recv response="183" optional="true"/>
          <recv response="200" rtd="true" rrs="true"/>
        """ + "\n" + Ack;

    private const string ByeFromCaller = """
          <send retrans="500"><![CDATA[
              BYE [next_url] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              [routes]
              From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 2 BYE
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
          <recv response="200" crlf="true"/>
        """;

    private const string OkToRequest = """
          <send><![CDATA[
              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:]
              [last_Call-ID:]
              [last_CSeq:]
              Contact: <sip:[local_ip]:[local_port];transport=[transport]>
              Content-Length: 0
            ]]></send>
        """;

    // The From/To of the INVITE are kept in $remote/$local so that a BYE sent by this UAS can swap them.
    // sipp refuses a scenario whose variables are set but never used, so only (h) keeps them.
    private static string UasAnswer(string codec, bool rememberParties)
    {
        var payloadType = codec.Equals("PCMA", StringComparison.OrdinalIgnoreCase) ? 8 : 0;
        var remember = rememberParties ? """
                <action>
                  <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="remote"/>
                  <ereg regexp=".*" search_in="hdr" header="To:" check_it="true" assign_to="to"/>
                  <assignstr assign_to="local" value="[$to];tag=[pid]SIPpTag01[call_number]"/>
                </action>
            """ : "";
        return $$"""
              <recv request="INVITE" crlf="true" rrs="true">
            {{remember}}
              </recv>
              <send><![CDATA[
                  SIP/2.0 180 Ringing
                  [last_Via:]
                  [last_From:]
                  [last_To:];tag=[pid]SIPpTag01[call_number]
                  [last_Call-ID:]
                  [last_CSeq:]
                  [last_Record-Route:]
                  Contact: <sip:uas@[local_ip]:[local_port];transport=[transport]>
                  Content-Length: 0
                ]]></send>
              <send retrans="500"><![CDATA[
                  SIP/2.0 200 OK
                  [last_Via:]
                  [last_From:]
                  [last_To:];tag=[pid]SIPpTag01[call_number]
                  [last_Call-ID:]
                  [last_CSeq:]
                  [last_Record-Route:]
                  Contact: <sip:uas@[local_ip]:[local_port];transport=[transport]>
                  Content-Type: application/sdp
                  Content-Length: [len]

                  v=0
                  o=- 53655765 2353687637 IN IP[local_ip_type] [local_ip]
                  s=-
                  c=IN IP[media_ip_type] [media_ip]
                  t=0 0
                  m=audio [media_port] RTP/AVP {{payloadType}} 101
                  a=rtpmap:{{payloadType}} {{codec.ToUpperInvariant()}}/8000
                  a=rtpmap:101 telephone-event/8000
                  a=fmtp:101 0-15
                  a=ptime:20
                  a=sendrecv
                ]]></send>
              <recv request="ACK" rtd="true" crlf="true"/>
            """;
    }
}
