using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lawline.Sip;
using Lawline.Sip.Calls;

namespace Lawline.SipBench.Engine;

/// <summary>
/// The engine's own view of the load, once a second: legs, calls, RTP counters of the "Lawline.Sip.Media" meter
/// (received, sent, lost from sequence gaps), RFC 3550 interarrival jitter of every live leg, process CPU and memory.
/// Inbound legs receive the caller's stream straight from sipp; outbound legs receive the echo of what the engine
/// relayed, so their jitter minus the inbound legs' jitter is what the engine's relay added (plus sipp's echo).
/// </summary>
internal sealed class EngineStatistics : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly SipEngine engine;
    private readonly TimeProvider time;
    private readonly MeterListener listener = new();
    private readonly long started;
    private readonly Lock setupGate = new();
    private List<double> setupTimes = [];
    private StreamWriter? setupLog;
    private long rtpReceived;
    private long rtpSent;
    private long rtpLost;
    private long offered;
    private long answered;
    private long failed;
    private long ended;
    private long endedAbnormally;
    private long recordingsStopped;
    private double cpuPeak;
    private int legsPeak;

    public EngineStatistics(SipEngine engine, TimeProvider time)
    {
        this.engine = engine;
        this.time = time;
        started = time.GetTimestamp();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Lawline.Sip.Media" && instrument.Name.StartsWith("lawline.rtp.packets.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "lawline.rtp.packets.received":
                    Interlocked.Add(ref rtpReceived, value);
                    break;
                case "lawline.rtp.packets.sent":
                    Interlocked.Add(ref rtpSent, value);
                    break;
                case "lawline.rtp.packets.lost":
                    Interlocked.Add(ref rtpLost, value);
                    break;
            }
        });
        listener.Start();
    }

    public void Offered() => Interlocked.Increment(ref offered);

    public void Failed() => Interlocked.Increment(ref failed);

    public void Ended(bool abnormally)
    {
        Interlocked.Increment(ref ended);
        if (abnormally)
        {
            Interlocked.Increment(ref endedAbnormally);
        }
    }

    public void RecordingStopped() => Interlocked.Increment(ref recordingsStopped);

    public void Answered(TimeSpan setup)
    {
        Interlocked.Increment(ref answered);
        var ms = setup.TotalMilliseconds;
        lock (setupGate)
        {
            setupTimes.Add(ms);
            setupLog?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Seconds(time.GetTimestamp()):F3},{ms:F3}"));
        }
    }

    private double Seconds(long timestamp) => time.GetElapsedTime(started, timestamp).TotalSeconds;

    public async Task RunAsync(string? statsPath, string? setupTimesPath, CancellationToken cancellationToken)
    {
        await using var output = statsPath is null ? null : new StreamWriter(statsPath, append: false, new UTF8Encoding(false)) { AutoFlush = true };
        if (setupTimesPath is not null)
        {
            lock (setupGate)
            {
                setupLog = new StreamWriter(setupTimesPath, append: false, new UTF8Encoding(false)) { AutoFlush = true };
                setupLog.WriteLine("t_s,setup_ms");
            }
        }

        using var process = Process.GetCurrentProcess();
        var lastCpu = process.TotalProcessorTime;
        var lastAt = time.GetTimestamp();
        long lastAnswered = 0, lastReceived = 0, lastSent = 0, lastLost = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = time.GetTimestamp();
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var wall = time.GetElapsedTime(lastAt, now);
                var cpuPercent = (cpu - lastCpu).TotalMilliseconds / wall.TotalMilliseconds * 100;
                lastCpu = cpu;
                lastAt = now;
                var legs = LegSnapshot.Take(engine);
                List<double> setups;
                lock (setupGate)
                {
                    setups = setupTimes;
                    setupTimes = [];
                }

                setups.Sort();
                var (a, rx, tx, lost) = (Volatile.Read(ref answered), Volatile.Read(ref rtpReceived), Volatile.Read(ref rtpSent), Volatile.Read(ref rtpLost));
                var line = new StatisticsLine(
                    T: Math.Round(Seconds(now), 3),
                    UnixMs: time.GetUtcNow().ToUnixTimeMilliseconds(),
                    ActiveLegs: legs.Total,
                    InboundLegs: legs.Inbound,
                    OutboundLegs: legs.Outbound,
                    BridgedLegs: legs.Bridged,
                    RecordingLegs: legs.Recording,
                    Offered: Volatile.Read(ref offered),
                    Answered: a,
                    Failed: Volatile.Read(ref failed),
                    Ended: Volatile.Read(ref ended),
                    EndedAbnormally: Volatile.Read(ref endedAbnormally),
                    RecordingsStopped: Volatile.Read(ref recordingsStopped),
                    CallsPerSecond: Math.Round((a - lastAnswered) / wall.TotalSeconds, 1),
                    SetupP50Ms: Percentile(setups, 0.50),
                    SetupP99Ms: Percentile(setups, 0.99),
                    RtpReceived: rx,
                    RtpSent: tx,
                    RtpLost: lost,
                    RtpReceivedPerSecond: Math.Round((rx - lastReceived) / wall.TotalSeconds),
                    RtpSentPerSecond: Math.Round((tx - lastSent) / wall.TotalSeconds),
                    RtpLostInterval: lost - lastLost,
                    LiveInboundReceived: legs.InboundReceived,
                    LiveInboundLost: legs.InboundLost,
                    LiveOutboundReceived: legs.OutboundReceived,
                    LiveOutboundLost: legs.OutboundLost,
                    JitterInboundMeanMs: legs.InboundJitterMean,
                    JitterInboundP99Ms: legs.InboundJitterP99,
                    JitterOutboundMeanMs: legs.OutboundJitterMean,
                    JitterOutboundP99Ms: legs.OutboundJitterP99,
                    CpuMs: Math.Round(cpu.TotalMilliseconds),
                    CpuPercent: Math.Round(cpuPercent, 1),
                    RssMb: Math.Round(process.WorkingSet64 / 1048576.0, 1),
                    GcHeapMb: Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1),
                    Gen0: GC.CollectionCount(0),
                    Gen2: GC.CollectionCount(2),
                    ThreadPoolThreads: ThreadPool.ThreadCount,
                    ThreadPoolQueue: ThreadPool.PendingWorkItemCount);
                (lastAnswered, lastReceived, lastSent, lastLost) = (a, rx, tx, lost);
                cpuPeak = Math.Max(cpuPeak, cpuPercent);
                legsPeak = Math.Max(legsPeak, legs.Total);
                var json = JsonSerializer.Serialize(line, Json);
                if (output is null)
                {
                    Console.Out.WriteLine(json);
                }
                else
                {
                    await output.WriteLineAsync(json.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"offered {offered}, answered {answered}, failed {failed}, ended {ended} ({endedAbnormally} abnormally), recordings {recordingsStopped}; RTP received {rtpReceived}, sent {rtpSent}, lost {rtpLost}; peak {legsPeak} legs, peak CPU {cpuPeak:F0} %");

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)], 2);

    public void Dispose()
    {
        listener.Dispose();
        lock (setupGate)
        {
            setupLog?.Dispose();
            setupLog = null;
        }
    }

    private sealed record StatisticsLine(
        double T, long UnixMs, int ActiveLegs, int InboundLegs, int OutboundLegs, int BridgedLegs, int RecordingLegs,
        long Offered, long Answered, long Failed, long Ended, long EndedAbnormally, long RecordingsStopped,
        double CallsPerSecond, double SetupP50Ms, double SetupP99Ms,
        long RtpReceived, long RtpSent, long RtpLost, double RtpReceivedPerSecond, double RtpSentPerSecond, long RtpLostInterval,
        long LiveInboundReceived, long LiveInboundLost, long LiveOutboundReceived, long LiveOutboundLost,
        double JitterInboundMeanMs, double JitterInboundP99Ms, double JitterOutboundMeanMs, double JitterOutboundP99Ms,
        double CpuMs, double CpuPercent, double RssMb, double GcHeapMb, int Gen0, int Gen2, int ThreadPoolThreads, long ThreadPoolQueue);

    /// <summary>Per-leg RTP statistics of the live legs (read without locks; a value may be a packet stale).</summary>
    private readonly record struct LegSnapshot(
        int Total, int Inbound, int Outbound, int Bridged, int Recording,
        long InboundReceived, long InboundLost, long OutboundReceived, long OutboundLost,
        double InboundJitterMean, double InboundJitterP99, double OutboundJitterMean, double OutboundJitterP99)
    {
        public static LegSnapshot Take(SipEngine engine)
        {
            List<double> inbound = [], outbound = [];
            int total = 0, inboundLegs = 0, bridged = 0, recording = 0;
            // Inbound legs receive from the caller; outbound legs the echo of what the engine relayed to the agent.
            long inboundReceived = 0, inboundLost = 0, outboundReceived = 0, outboundLost = 0;
            foreach (var leg in engine.AllLegs)
            {
                total++;
                inboundLegs += leg.Direction == LegDirection.Inbound ? 1 : 0;
                var endpoint = leg.Media.Endpoint;
                var s = endpoint.Statistics;
                if (endpoint.IsBridged)
                {
                    bridged++;
                }

                if (leg.Media.IsRecording)
                {
                    recording++;
                }

                if (leg.Direction == LegDirection.Inbound)
                {
                    inboundReceived += s.PacketsReceived;
                    inboundLost += s.PacketsLost;
                }
                else
                {
                    outboundReceived += s.PacketsReceived;
                    outboundLost += s.PacketsLost;
                }

                if (s.PacketsReceived < 50)
                {
                    // Jitter needs a few packets to mean anything; a leg just set up still counts as a leg.
                    continue;
                }

                (leg.Direction == LegDirection.Inbound ? inbound : outbound).Add(s.Jitter.TotalMilliseconds);
            }

            inbound.Sort();
            outbound.Sort();
            return new LegSnapshot(total, inboundLegs, total - inboundLegs, bridged, recording, inboundReceived, inboundLost, outboundReceived, outboundLost,
                Mean(inbound), Percentile(inbound, 0.99), Mean(outbound), Percentile(outbound, 0.99));
        }

        private static double Mean(List<double> values) => values.Count == 0 ? 0 : Math.Round(values.Average(), 3);
    }
}
