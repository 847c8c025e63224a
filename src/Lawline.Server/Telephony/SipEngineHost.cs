using System.Net.Sockets;
using Lawline.Sip;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Telephony;

/// <summary>
/// Starts the SIP engine with the host and stops it with the host (which hangs up every call in progress).
/// <see cref="Engine"/> is null when <c>Sip:Enabled</c> is false.
/// </summary>
public sealed partial class SipEngineHost(
    IOptions<TelephonyOptions> telephony,
    IOptions<SipEngineOptions> options,
    SipCredentialStore credentials,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<SipEngineHost> logger) : IHostedService
{
    public bool Enabled => telephony.Value.Enabled;

    /// <summary>The running engine, or null when telephony is disabled on this node (or the host has not started).</summary>
    public SipEngine? Engine { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!telephony.Value.Enabled)
        {
            Log.Disabled(logger);
            return;
        }
        RaiseThreadPoolMinimum();
        var settings = options.Value;
        var engine = new SipEngine(settings, credentials, time, loggers);
        try
        {
            await engine.StartAsync(cancellationToken);
        }
        catch (SocketException exception)
        {
            await engine.DisposeAsync();
            var endPoint = $"{settings.Address}:{settings.Port}";
            var message = exception.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse =>
                    $"The SIP engine cannot listen on udp {endPoint}: the port is already in use (another PBX or Lawline instance?). "
                    + "Stop that program or choose another port with Sip:Port (e.g. --Sip:Port=5070), or set Sip:Enabled=false on a node without telephony.",
                SocketError.AccessDenied =>
                    $"The SIP engine cannot listen on udp {endPoint}: permission denied. Ports below 1024 need privileges; choose another with Sip:Port.",
                SocketError.AddressNotAvailable =>
                    $"The SIP engine cannot listen on udp {endPoint}: the address is not one of this machine's. Set Sip:Address to a local address or 0.0.0.0.",
                _ => $"The SIP engine cannot listen on udp {endPoint}: {exception.SocketErrorCode}. Check Sip:Address and Sip:Port.",
            };
            Log.StartFailed(logger, message);
            throw new InvalidOperationException(message, exception);
        }
        Engine = engine;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Engine is { } engine)
        {
            // Hangs up the calls in progress, unregisters from trunks and closes the sockets.
            await engine.DisposeAsync();
        }
    }

    /// <summary>
    /// The media layer found that the thread pool's default minimum (one thread per core) starves at start-up and
    /// under bursts: new threads are injected slowly, and RTP timing suffers meanwhile.
    /// </summary>
    private void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = Math.Max(32, Environment.ProcessorCount * 4);
        if (workers < wanted || io < wanted)
        {
            ThreadPool.SetMinThreads(Math.Max(workers, wanted), Math.Max(io, wanted));
            Log.ThreadPool(logger, Math.Max(workers, wanted), Math.Max(io, wanted));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5001, LogLevel.Information, "Telephony is disabled on this node (Sip:Enabled=false); the SIP engine is not started")]
        public static partial void Disabled(ILogger logger);

        [LoggerMessage(5002, LogLevel.Critical, "{Message}")]
        public static partial void StartFailed(ILogger logger, string message);

        [LoggerMessage(5003, LogLevel.Debug, "Thread pool minimum raised to {Workers} worker and {Io} I/O threads for the media layer")]
        public static partial void ThreadPool(ILogger logger, int workers, int io);
    }
}
