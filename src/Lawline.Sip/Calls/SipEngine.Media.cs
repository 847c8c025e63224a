using Lawline.Sip.Calls;
using Lawline.Sip.Media;

namespace Lawline.Sip;

// Call-control operations on media: play, collect digits, bridge, record, hold.
public sealed partial class SipEngine
{
    private void WireMedia(CallLeg leg)
    {
        leg.Media.DigitReceived = (digit, duration) => Publish(new DtmfReceived(leg.Id, Time.GetUtcNow(), digit, duration));
        leg.Media.TimedOut = () =>
        {
            bool hangUp;
            lock (leg.Gate)
            {
                // A held call legitimately sends no RTP; so does a leg before answer.
                hangUp = leg.State == LegState.Answered && !leg.RemoteHold && !leg.LocalHold && Options.MediaTimeoutSeconds > 0;
            }

            if (hangUp)
            {
                Log.LegProblem(logger, leg.Id, "no RTP received; hanging up");
                _ = HangupAsync(leg.Id, HangupCause.MediaTimeout);
            }
        };
    }

    public Task PlayAsync(CallLegId leg, IAudioFrameSource source, bool stopOnDigit = false, CancellationToken cancellationToken = default) =>
        RequireLeg(leg).Media.PlayAsync(source, stopOnDigit, cancellationToken);

    public Task PlayFileAsync(CallLegId leg, string path, bool loop = false, bool stopOnDigit = false, CancellationToken cancellationToken = default)
    {
        var target = RequireLeg(leg);
        var source = Media.OpenPrompt(path, loop);
        return target.Media.PlayAsync(source, stopOnDigit, cancellationToken);
    }

    public void StopPlayback(CallLegId leg) => FindLeg(leg)?.Media.StopPlayback();

    public Task<DigitResult> CollectDigitsAsync(CallLegId leg, CollectDigitsOptions options, CancellationToken cancellationToken = default) =>
        RequireLeg(leg).Media.CollectDigitsAsync(options, cancellationToken);

    public Task BridgeAsync(CallLegId a, CallLegId b, bool hangUpTogether = true)
    {
        var first = RequireLeg(a);
        var second = RequireLeg(b);
        if (first == second)
        {
            throw new InvalidOperationException("A leg cannot be bridged to itself.");
        }

        // Take the two locks in a fixed order so two bridges of the same legs cannot deadlock.
        var (lockA, lockB) = string.CompareOrdinal(first.Id.Value, second.Id.Value) < 0 ? (first, second) : (second, first);
        CallLeg? oldPartnerOfFirst;
        CallLeg? oldPartnerOfSecond;
        lock (lockA.Gate)
        {
            lock (lockB.Gate)
            {
                if (first.IsEnded || second.IsEnded)
                {
                    throw new InvalidOperationException("A leg of the bridge has ended.");
                }

                oldPartnerOfFirst = first.Partner == second ? null : first.Partner;
                oldPartnerOfSecond = second.Partner == first ? null : second.Partner;
                first.Partner = second;
                second.Partner = first;
                first.HangUpWithPartner = hangUpTogether;
                second.HangUpWithPartner = hangUpTogether;
            }
        }

        Detach(oldPartnerOfFirst, first);
        Detach(oldPartnerOfSecond, second);
        first.Media.StopPlayback();
        second.Media.StopPlayback();
        if (!first.LocalHold && !second.LocalHold && !first.RemoteHold && !second.RemoteHold)
        {
            LegMedia.Bridge(first.Media, second.Media);
        }

        var now = Time.GetUtcNow();
        Publish(new LegsBridged(first.Id, now, second.Id));
        Publish(new LegsBridged(second.Id, now, first.Id));
        return Task.CompletedTask;
    }

    private static void Detach(CallLeg? oldPartner, CallLeg from)
    {
        if (oldPartner is null)
        {
            return;
        }

        lock (oldPartner.Gate)
        {
            if (oldPartner.Partner == from)
            {
                oldPartner.Partner = null;
            }
        }

        LegMedia.Unbridge(oldPartner.Media);
    }

    public Task UnbridgeAsync(CallLegId leg)
    {
        var target = RequireLeg(leg);
        CallLeg? partner;
        lock (target.Gate)
        {
            partner = target.Partner;
            target.Partner = null;
        }

        Detach(partner, target);
        LegMedia.Unbridge(target.Media);
        return Task.CompletedTask;
    }

    public Task StartRecordingAsync(CallLegId leg, string path)
    {
        var target = RequireLeg(leg);
        target.Media.StartRecording(path);
        return Task.CompletedTask;
    }

    public Task StopRecordingAsync(CallLegId leg)
    {
        var target = RequireLeg(leg);
        if (target.Media.StopRecording() is { } stopped)
        {
            Publish(new RecordingStopped(target.Id, Time.GetUtcNow(), stopped.Path, stopped.Duration));
        }

        return Task.CompletedTask;
    }

    public Task HoldAsync(CallLegId leg)
    {
        var target = RequireLeg(leg);
        lock (target.Gate)
        {
            if (target.LocalHold)
            {
                return Task.CompletedTask;
            }

            target.LocalHold = true;
        }

        StartMusicOnHold(target);
        Publish(new HoldChanged(target.Id, Time.GetUtcNow(), true));
        return Task.CompletedTask;
    }

    public Task ResumeAsync(CallLegId leg)
    {
        var target = RequireLeg(leg);
        lock (target.Gate)
        {
            if (!target.LocalHold)
            {
                return Task.CompletedTask;
            }

            target.LocalHold = false;
        }

        StopMusicOnHold(target);
        Publish(new HoldChanged(target.Id, Time.GetUtcNow(), false));
        return Task.CompletedTask;
    }

    /// <summary>The leg hears music on hold; its bridge partner hears silence (media unbridged, partnership kept).</summary>
    private void StartMusicOnHold(CallLeg leg)
    {
        LegMedia.Unbridge(leg.Media);
        leg.Media.StopPlayback();
        _ = leg.Media.PlayAsync(Media.MusicOnHold(), stopOnDigit: false, CancellationToken.None);
    }

    private void StopMusicOnHold(CallLeg leg)
    {
        leg.Media.StopPlayback();
        CallLeg? partner;
        bool held;
        lock (leg.Gate)
        {
            partner = leg.Partner;
            held = leg.LocalHold || leg.RemoteHold || partner is { LocalHold: true } or { RemoteHold: true };
        }

        if (partner is not null && !held)
        {
            LegMedia.Bridge(leg.Media, partner.Media);
        }
    }

    public CallLegInfo? GetLeg(CallLegId leg)
    {
        if (FindLeg(leg) is not { } found)
        {
            return null;
        }

        lock (found.Gate)
        {
            return found.Snapshot();
        }
    }

    public IReadOnlyList<CallLegInfo> ActiveLegs()
    {
        var result = new List<CallLegInfo>();
        foreach (var leg in AllLegs)
        {
            lock (leg.Gate)
            {
                result.Add(leg.Snapshot());
            }
        }

        return result;
    }
}
