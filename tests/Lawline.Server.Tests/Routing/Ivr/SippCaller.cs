using System.Diagnostics;
using System.Globalization;

namespace Lawline.Server.Tests.Routing.Ivr;

/// <summary>
/// A citizen's phone played by sipp (package sip-tester): INVITE with PCMA and RFC 2833 telephone-event (PT 101),
/// the sample speech capture, then each digit's RFC 2833 capture, a pause, and BYE. A minimal copy of the
/// engine tests' SippRunner/SippScenarios (tests/Lawline.Sip.Tests/Peers), kept here to avoid coupling the projects.
/// </summary>
internal static class SippCaller
{
    private const string MediaDirectory = "/usr/share/sip-tester";

    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> CallAsync(string remote, string dialled, string digits, int beforeDigitsMs, int afterDigitsMs)
    {
        var sipp = new[] { "/usr/bin/sipp", "/usr/local/bin/sipp" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("sipp is not installed: apt-get install -y --no-install-recommends sip-tester");
        var directory = Directory.CreateTempSubdirectory("lawline-ivr-sipp-").FullName;
        try
        {
            var scenario = Path.Combine(directory, "caller.xml");
            await File.WriteAllTextAsync(scenario, Scenario(digits, beforeDigitsMs, afterDigitsMs));
            var info = new ProcessStartInfo(sipp)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            foreach (var argument in new[]
            {
                "-sf", scenario, "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", "0", "-s", dialled, "-m", "1", "-nostdin",
                "-timeout", "60s", "-timeout_error", "-recv_timeout", "15000ms", "-trace_err", "-error_file", Path.Combine(directory, "errors.log"), remote,
            })
            {
                info.ArgumentList.Add(argument);
            }
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(75));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("sipp did not exit within 75 s.");
            }
            var errors = Path.Combine(directory, "errors.log");
            var output = $"{await stdout}\n{await stderr}\n{(File.Exists(errors) ? await File.ReadAllTextAsync(errors) : string.Empty)}";
            return new Result(process.ExitCode, output.Length > 4000 ? output[^4000..] : output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Dtmf(char digit) => digit switch
    {
        '*' => $"{MediaDirectory}/dtmf_2833_star.pcap",
        '#' => $"{MediaDirectory}/dtmf_2833_pound.pcap",
        _ => $"{MediaDirectory}/dtmf_2833_{digit}.pcap",
    };

    // RFC 3261 UAC: the ACK and BYE follow the 200's Record-Route ([next_url], [routes]); INVITE and BYE are
    // retransmitted every 500 ms until answered.
    private static string Scenario(string digits, int beforeDigitsMs, int afterDigitsMs) => $$"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="IVR caller: PCMA speech, RFC 2833 digits, BYE">
          <send retrans="500"><![CDATA[
              INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              From: <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]IvrTag[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 INVITE
              Contact: <sip:13800138000@[local_ip]:[local_port]>
              Max-Forwards: 70
              Content-Type: application/sdp
              Content-Length: [len]

              v=0
              o=- 53655765 2353687637 IN IP[local_ip_type] [local_ip]
              s=-
              c=IN IP[media_ip_type] [media_ip]
              t=0 0
              m=audio [auto_media_port] RTP/AVP 8 101
              a=rtpmap:8 PCMA/8000
              a=rtpmap:101 telephone-event/8000
              a=fmtp:101 0-15
              a=ptime:20
              a=sendrecv
            ]]></send>
          <recv response="100" optional="true"/>
          <recv response="180" optional="true"/>
          <recv response="183" optional="true"/>
          <recv response="200" rtd="true" rrs="true"/>
          <send><![CDATA[
              ACK [next_url] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              [routes]
              From: <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]IvrTag[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 1 ACK
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
          <nop><action><exec play_pcap_audio="{{MediaDirectory}}/g711a.pcap"/></action></nop>
          <pause milliseconds="{{beforeDigitsMs.ToString(CultureInfo.InvariantCulture)}}"/>
        {{string.Concat(digits.Select(d => $"""
              <nop><action><exec play_pcap_audio="{Dtmf(d)}"/></action></nop>
              <pause milliseconds="600"/>

            """))}}
          <pause milliseconds="{{afterDigitsMs.ToString(CultureInfo.InvariantCulture)}}"/>
          <send retrans="500"><![CDATA[
              BYE [next_url] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
              [routes]
              From: <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]IvrTag[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 2 BYE
              Max-Forwards: 70
              Content-Length: 0
            ]]></send>
          <recv response="200" crlf="true"/>
        </scenario>
        """;
}
