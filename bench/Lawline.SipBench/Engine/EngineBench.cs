using Lawline.Sip;
using Lawline.Sip.Auth;
using Lawline.Sip.Calls;
using Microsoft.Extensions.Logging;

namespace Lawline.SipBench.Engine;

/// <summary>
/// The engine under load with a fixed dial plan: every inbound call gets an outbound leg to the target (a sipp UAS
/// echoing RTP), is answered once that leg answers, and the two legs are bridged (hung up together) and recorded
/// into a stereo WAV. Statistics go out once a second (<see cref="EngineStatistics"/>).
/// </summary>
internal static class EngineBench
{
    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        var recordings = arguments.RecordingsDirectory ?? Path.Combine(Path.GetTempPath(), $"lawline-sipbench-{Environment.ProcessId}");
        Directory.CreateDirectory(recordings);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var options = new SipEngineOptions
        {
            Address = arguments.Address,
            Port = arguments.Port,
            RtpPortMin = arguments.RtpMin,
            RtpPortMax = arguments.RtpMax,
            // sipp's UAS does not refresh sessions; calls here are shorter than the defaults anyway.
            MediaTimeoutSeconds = 30,
        };
        var time = TimeProvider.System;
        // Disposed once, explicitly, before the summary (SipEngine.DisposeAsync is not idempotent: a second call throws).
        var engine = new SipEngine(options, new NoAccounts(), time, loggers);
        using var statistics = new EngineStatistics(engine, time);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });

        await engine.StartAsync(stop.Token);
        Console.Error.WriteLine($"engine on udp {engine.LocalEndPoint}, target {arguments.Target}, recording {(arguments.Record ? "on" : "off")} into {recordings}, pid {Environment.ProcessId}");
        var dialPlan = new BenchDialPlan(engine, arguments, recordings, statistics);
        var events = dialPlan.RunAsync(stop.Token);
        var report = statistics.RunAsync(arguments.StatsPath, arguments.SetupTimesPath, stop.Token);
        try
        {
            await Task.WhenAll(events, report);
        }
        catch (OperationCanceledException)
        {
        }

        await engine.DisposeAsync();
        if (!arguments.KeepRecordings && arguments.RecordingsDirectory is null)
        {
            Directory.Delete(recordings, recursive: true);
        }

        Console.Error.WriteLine(statistics.Summary());
        return 0;
    }

    private sealed class NoAccounts : IDigestCredentialStore
    {
        public ValueTask<DigestSecret?> FindAsync(string username, string realm, CancellationToken cancellationToken) => ValueTask.FromResult<DigestSecret?>(null);
    }
}

/// <summary>Answer, originate to the target, bridge, record; delete each recording when it is closed (unless kept).</summary>
internal sealed class BenchDialPlan(SipEngine engine, BenchArguments arguments, string recordings, EngineStatistics statistics)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var callEvent in engine.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (callEvent)
            {
                case CallOffered offered:
                    statistics.Offered();
                    _ = HandleAsync(offered);
                    break;
                case CallEnded ended:
                    statistics.Ended(ended.Cause != HangupCause.Normal);
                    break;
                case RecordingStopped stopped:
                    statistics.RecordingStopped();
                    if (!arguments.KeepRecordings)
                    {
                        TryDelete(stopped.Path);
                    }

                    break;
            }
        }
    }

    private async Task HandleAsync(CallOffered offered)
    {
        try
        {
            var agent = await engine.Calls.OriginateAsync(new OriginateRequest(new OriginateTarget.Uri(arguments.Target))
            {
                CallerNumber = offered.CallerNumber,
                RingTimeout = TimeSpan.FromSeconds(10),
            }).ConfigureAwait(false);
            if (!agent.Answered || agent.Leg is not { } agentLeg)
            {
                statistics.Failed();
                await engine.Calls.HangupAsync(offered.Leg, HangupCause.Unavailable).ConfigureAwait(false);
                return;
            }

            await engine.Calls.AnswerAsync(offered.Leg).ConfigureAwait(false);
            // INVITE received (the offer event is stamped when the engine has parsed it) → our 200 OK sent.
            statistics.Answered(engine.Time.GetUtcNow() - offered.At);
            await engine.Calls.BridgeAsync(offered.Leg, agentLeg, hangUpTogether: true).ConfigureAwait(false);
            if (arguments.Record)
            {
                await engine.Calls.StartRecordingAsync(offered.Leg, Path.Combine(recordings, offered.Leg + ".wav")).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or MediaUnavailableException)
        {
            // The caller hung up meanwhile, or the port range is exhausted.
            statistics.Failed();
            try
            {
                await engine.Calls.HangupAsync(offered.Leg, HangupCause.Failed).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
