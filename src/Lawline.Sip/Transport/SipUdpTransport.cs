using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Lawline.Sip.Messages;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Transport;

/// <summary>A message that arrived, with where it really came from (which may differ from its Via, behind NAT).</summary>
public sealed record InboundMessage(SipMessage Message, IPEndPoint Source);

/// <summary>
/// SIP over UDP (RFC 3261 §18) with RFC 3581 symmetric response routing. One socket, one receive loop; each
/// datagram is parsed and handed to the transaction layer on the loop (which is fast and never blocks), so
/// there is no thread per call and no queue between the socket and the state machines.
/// </summary>
public sealed partial class SipUdpTransport : IAsyncDisposable
{
    // RFC 3261 §18.1.1: 1300 bytes is the path-MTU guard for UDP; the receive buffer must hold the largest
    // datagram (64 KiB) so oversized messages are seen and rejected rather than truncated.
    private const int ReceiveBufferSize = 65_535;

    private readonly Socket socket;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private Task? receiveLoop;
    private Action<InboundMessage>? handler;
    private Action<IPEndPoint, SipRequest?, string>? parseFailureHandler;

    private static readonly Meter Meter = new("Lawline.Sip");
    private static readonly Counter<long> MessagesReceived = Meter.CreateCounter<long>("lawline.sip.messages.received", description: "SIP messages received");
    private static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>("lawline.sip.messages.sent", description: "SIP messages sent");
    private static readonly Counter<long> ParseErrors = Meter.CreateCounter<long>("lawline.sip.messages.malformed", description: "Datagrams that were not valid SIP");

    public SipUdpTransport(IPEndPoint bindEndPoint, IPAddress? advertisedAddress, ILogger<SipUdpTransport> logger)
    {
        this.logger = logger;
        socket = new Socket(bindEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveBufferSize = 4 * 1024 * 1024;
        socket.SendBufferSize = 4 * 1024 * 1024;
        socket.Bind(bindEndPoint);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        AdvertisedAddress = advertisedAddress ?? ChooseAdvertisedAddress(LocalEndPoint.Address);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The address written in Via, Contact and SDP: the bound address, or a configured/guessed one when bound to any.</summary>
    public IPAddress AdvertisedAddress { get; }

    public int Port => LocalEndPoint.Port;

    public string ViaHost => SipUri.FormatHost(AdvertisedAddress);

    public void Start(Action<InboundMessage> onMessage, Action<IPEndPoint, SipRequest?, string> onParseFailure)
    {
        handler = onMessage;
        parseFailureHandler = onParseFailure;
        receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    public async ValueTask SendAsync(SipMessage message, IPEndPoint destination)
    {
        var bytes = message.ToBytes();
        try
        {
            await socket.SendToAsync(bytes, SocketFlags.None, destination).ConfigureAwait(false);
            MessagesSent.Add(1);
            if (logger.IsEnabled(LogLevel.Trace))
            {
                Log.Sent(logger, destination, message.ToString());
            }
        }
        catch (SocketException exception)
        {
            // An ICMP port unreachable from an earlier datagram surfaces here on Linux; SIP over UDP treats a
            // send failure as a transport error the transaction reports as 503 (RFC 3261 §8.1.3.1).
            Log.SendFailed(logger, destination, exception.SocketErrorCode);
            throw new SipTransportException($"Sending to {destination} failed: {exception.SocketErrorCode}.", exception);
        }
        catch (ObjectDisposedException)
        {
            throw new SipTransportException("The SIP transport is closed.");
        }
    }

    /// <summary>
    /// Where a response goes (RFC 3261 §18.2.2 with RFC 3581 §4): the source address and port of the request
    /// when the client asked for rport (stamped as received/rport), else received or the Via's sent-by.
    /// </summary>
    public static IPEndPoint ResponseDestination(SipResponse response)
    {
        var via = response.TopVia;
        var host = via.Received ?? via.Host.Trim('[', ']');
        var port = via.Rport ?? via.Port ?? 5060;
        if (!IPAddress.TryParse(host, out var address))
        {
            // Host names in Via are rare on phones; resolve synchronously once (a response cannot wait long).
            address = Dns.GetHostAddresses(host).FirstOrDefault()
                ?? throw new SipTransportException($"Cannot resolve Via host {host}.");
        }

        return new IPEndPoint(address, port);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        EndPoint any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException exception)
            {
                // ICMP unreachable for an earlier send and the like: the socket is still usable, and the loop that
                // serves every call must not end.
                Log.ReceiveFailed(logger, exception.SocketErrorCode);
                continue;
            }

            var source = (IPEndPoint)result.RemoteEndPoint;
            var data = buffer.AsSpan(0, result.ReceivedBytes);
            Dispatch(data, source);
        }
    }

    internal void Dispatch(ReadOnlySpan<byte> data, IPEndPoint source)
    {
        if (SipParser.IsKeepAlive(data))
        {
            return;
        }

        SipMessage message;
        try
        {
            message = SipParser.Parse(data);
        }
        catch (SipParseException exception)
        {
            ParseErrors.Add(1);
            Log.Malformed(logger, source, exception.Message);
            parseFailureHandler?.Invoke(source, null, exception.Message);
            return;
        }

        MessagesReceived.Add(1);
        if (logger.IsEnabled(LogLevel.Trace))
        {
            Log.Received(logger, source, message.ToString());
        }

        if (message is SipRequest request)
        {
            StampReceived(request, source);
        }

        try
        {
            handler?.Invoke(new InboundMessage(message, source));
        }
        catch (SipParseException exception)
        {
            // A header the layers above needed turned out malformed (headers are parsed lazily).
            ParseErrors.Add(1);
            Log.Malformed(logger, source, exception.Message);
            parseFailureHandler?.Invoke(source, message as SipRequest, exception.Message);
        }
        catch (Exception exception)
        {
            // One bad message must never stop the loop that serves every call.
            Log.HandlerFailed(logger, exception, source, message is SipRequest r ? r.Method : ((SipResponse)message).StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// RFC 3261 §18.2.1: add received when the Via host differs from the source address; RFC 3581 §4: fill an
    /// empty rport with the source port (and then always add received).
    /// </summary>
    private static void StampReceived(SipRequest request, IPEndPoint source)
    {
        var via = request.TopVia;
        var sourceHost = source.Address.ToString();
        var changed = false;
        if (via.HasRport)
        {
            via.Parameters.Set("rport", source.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            via.Parameters.Set("received", sourceHost);
            changed = true;
        }
        else if (!string.Equals(via.Host.Trim('[', ']'), sourceHost, StringComparison.OrdinalIgnoreCase))
        {
            via.Parameters.Set("received", sourceHost);
            changed = true;
        }

        if (changed)
        {
            request.Headers.ReplaceFirstValue(HeaderNames.Via, via.ToString());
        }
    }

    private static IPAddress ChooseAdvertisedAddress(IPAddress bound)
    {
        if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any))
        {
            return bound;
        }

        // Bound to every interface: advertise the first up, non-loopback IPv4 address (configure
        // Sip:AdvertisedAddress behind NAT or on multi-homed hosts).
        foreach (var nic in System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != System.Net.NetworkInformation.OperationalStatus.Up
                || nic.NetworkInterfaceType == System.Net.NetworkInformation.NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork)
                {
                    return unicast.Address;
                }
            }
        }

        return IPAddress.Loopback;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        socket.Dispose();
        if (receiveLoop is not null)
        {
            await receiveLoop.ConfigureAwait(false);
        }

        stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Trace, "SIP from {Source}:\n{Message}")]
        public static partial void Received(ILogger logger, IPEndPoint source, string message);

        [LoggerMessage(1002, LogLevel.Trace, "SIP to {Destination}:\n{Message}")]
        public static partial void Sent(ILogger logger, IPEndPoint destination, string message);

        [LoggerMessage(1003, LogLevel.Debug, "Malformed SIP datagram from {Source}: {Reason}")]
        public static partial void Malformed(ILogger logger, IPEndPoint source, string reason);

        [LoggerMessage(1004, LogLevel.Warning, "Sending SIP to {Destination} failed: {Error}")]
        public static partial void SendFailed(ILogger logger, IPEndPoint destination, SocketError error);

        [LoggerMessage(1006, LogLevel.Debug, "Receiving SIP failed: {Error}")]
        public static partial void ReceiveFailed(ILogger logger, SocketError error);

        [LoggerMessage(1005, LogLevel.Error, "Handling a SIP message from {Source} ({What}) failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, IPEndPoint source, string what);
    }
}

public sealed class SipTransportException(string message, Exception? inner = null) : Exception(message, inner);
