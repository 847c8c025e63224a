using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Net;
using Lawline.Sip.Rtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lawline.Sip.Media;

public sealed class MediaOptions
{
    public const string Section = "Sip:Media";

    // The address RTP sockets bind to; the SIP layer advertises its own public address in SDP.
    [Required]
    public string BindAddress { get; set; } = "0.0.0.0";

    [Range(1024, 65535)]
    public int MinPort { get; set; } = 20000;

    [Range(1024, 65535)]
    public int MaxPort { get; set; } = 29999;

    // No RTP for this long while the peer should be sending raises RtpEndpoint.MediaTimedOut. Zero disables.
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    // Consecutive packets from a new source address before sending there instead (symmetric RTP re-latch).
    [Range(1, 100)]
    public int RelatchAfterPackets { get; set; } = 3;

    // RFC 3550 §6.2 suggests 5 s as the minimum report interval.
    public TimeSpan RtcpInterval { get; set; } = TimeSpan.FromSeconds(5);

    // How far behind real time recordings are written, so late packets still land in place.
    public TimeSpan RecordingJitterDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    // RFC 3550 §6.5.1 CNAME for our RTCP.
    public string CanonicalName { get; set; } = "lawline@" + Environment.MachineName;
}

// Entry point of the media layer, one per process: the port range, the shared media clock and the
// instruments. The SIP layer asks it for one RtpEndpoint per call leg.
public sealed class MediaEngine : IDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly MediaMetrics _metrics;

    public MediaEngine(MediaOptions options, TimeProvider? time = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _metrics = new MediaMetrics(meterFactory);
        Ports = new RtpPortAllocator(IPAddress.Parse(options.BindAddress), options.MinPort, options.MaxPort);
        Clock = new MediaClock(time ?? TimeProvider.System, _loggers.CreateLogger<MediaClock>());
    }

    public MediaOptions Options { get; }
    public MediaClock Clock { get; }
    public RtpPortAllocator Ports { get; }

    internal Meter Meter => _metrics.Meter;

    // Binds a port pair and starts receiving. Throws InvalidOperationException when the port range is exhausted.
    public RtpEndpoint CreateEndpoint() =>
        new(Ports.Allocate(), Clock, Options, _metrics, _loggers.CreateLogger<RtpEndpoint>());

    public StereoWavRecorder StartRecording(string path) =>
        new(path, Clock, _loggers.CreateLogger<StereoWavRecorder>(), Options.RecordingJitterDelay);

    public void Dispose()
    {
        Clock.Dispose();
        _metrics.Dispose();
    }
}
