using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lawline.Sip.Tests.Peers;

/// <summary>Sends SIP OPTIONS over UDP until a peer answers anything: proof that its SIP listener is up.</summary>
internal static class SipPing
{
    public static async Task<bool> WaitUntilAnsweringAsync(int port, TimeSpan timeout, Func<bool>? gaveUp = null)
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)socket.Client.LocalEndPoint!;
        var clock = Stopwatch.StartNew();
        for (var attempt = 0; clock.Elapsed < timeout && gaveUp?.Invoke() != true; attempt++)
        {
            var message =
                $"OPTIONS sip:ping@127.0.0.1:{port} SIP/2.0\r\n" +
                $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-ping{attempt}-{Random.Shared.Next()};rport\r\n" +
                "Max-Forwards: 70\r\n" +
                $"From: <sip:ping@127.0.0.1:{local.Port}>;tag=ping{attempt}\r\n" +
                $"To: <sip:ping@127.0.0.1:{port}>\r\n" +
                $"Call-ID: ping-{Guid.NewGuid():N}\r\n" +
                $"CSeq: {attempt + 1} OPTIONS\r\n" +
                "Content-Length: 0\r\n\r\n";
            var bytes = Encoding.ASCII.GetBytes(message);
            await socket.SendAsync(bytes, new IPEndPoint(IPAddress.Loopback, port));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var reply = await socket.ReceiveAsync(wait.Token);
                if (Encoding.ASCII.GetString(reply.Buffer).StartsWith("SIP/2.0 ", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
                // ICMP port unreachable surfaces as a reset on the next receive: not listening yet.
                await Task.Delay(100);
            }
        }
        return false;
    }
}
