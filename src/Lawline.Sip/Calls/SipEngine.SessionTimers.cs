using System.Globalization;
using Lawline.Sip.Calls;
using Lawline.Sip.Messages;
using Lawline.Sip.Transactions;

namespace Lawline.Sip;

// RFC 4028 session timers: carriers and PJSIP phones ask for them; a call whose refreshes stop is ended.
public sealed partial class SipEngine
{
    private static (int Seconds, string? Refresher)? ReadSessionExpires(SipMessage message)
    {
        if (message.Headers[HeaderNames.SessionExpires] is not { } value)
        {
            return null;
        }

        var semicolon = value.IndexOf(';');
        var number = (semicolon >= 0 ? value[..semicolon] : value).Trim();
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
        {
            return null;
        }

        string? refresher = null;
        if (semicolon >= 0)
        {
            var index = semicolon;
            try
            {
                refresher = HeaderSyntax.ParseParameters(value, ref index)["refresher"]?.ToLowerInvariant();
            }
            catch (SipParseException)
            {
            }
        }

        return (seconds, refresher);
    }

    /// <summary>RFC 4028 §8.1: a Session-Expires below our Min-SE is refused with 422 and our Min-SE.</summary>
    private SipResponse? CheckSessionTimer(SipRequest invite)
    {
        if (ReadSessionExpires(invite) is { } requested && requested.Seconds < Options.MinSessionExpiresSeconds)
        {
            var response = invite.CreateResponse(422, null, NewTag());
            response.Headers.Add(HeaderNames.MinSE, Options.MinSessionExpiresSeconds.ToString(CultureInfo.InvariantCulture));
            return response;
        }

        return null;
    }

    private static string NewTag() => SipTransactionLayer.RandomToken(6);

    /// <summary>
    /// RFC 4028 §9: the UAS keeps the requested interval (lowering it to our maximum) and, when the caller
    /// supports timers but named no refresher, makes the caller the refresher — phones refresh reliably.
    /// </summary>
    private void ApplySessionTimerRequest(CallLeg leg, SipRequest request)
    {
        if (ReadSessionExpires(request) is not { } requested)
        {
            return;
        }

        var seconds = Math.Max(Options.MinSessionExpiresSeconds, Math.Min(requested.Seconds, Options.SessionExpiresSeconds));
        var uacSupportsTimer = request.HasOption(HeaderNames.Supported, "timer");
        var refresher = requested.Refresher ?? (uacSupportsTimer ? "uac" : "uas");
        leg.SessionInterval = TimeSpan.FromSeconds(seconds);
        // We are the UAS of the caller's leg: "uas" means we refresh.
        leg.WeRefresh = refresher == "uas";
    }

    private static void AddSessionTimerHeaders(CallLeg leg, SipRequest request, SipResponse response)
    {
        if (leg.SessionInterval is not { } interval)
        {
            return;
        }

        var refresher = leg.Direction == LegDirection.Inbound
            ? (leg.WeRefresh ? "uas" : "uac")
            : (leg.WeRefresh ? "uac" : "uas");
        response.Headers.Set(HeaderNames.SessionExpires, $"{(int)interval.TotalSeconds};refresher={refresher}");
        if (request.HasOption(HeaderNames.Supported, "timer"))
        {
            response.Headers.Set(HeaderNames.Require, "timer");
        }
    }

    private void RestartSessionTimer(CallLeg leg, SipRequest refresh)
    {
        lock (leg.Gate)
        {
            if (ReadSessionExpires(refresh) is { } requested && leg.SessionInterval is not null)
            {
                leg.SessionInterval = TimeSpan.FromSeconds(Math.Max(Options.MinSessionExpiresSeconds, Math.Min(requested.Seconds, Options.SessionExpiresSeconds)));
            }
        }

        StartSessionTimer(leg);
    }

    /// <summary>
    /// Arms the leg's one session timer: at half the interval when we refresh (§7.4), or shortly before expiry
    /// when the peer refreshes (§10: BYE at interval − min(32 s, interval/3)).
    /// </summary>
    internal void StartSessionTimer(CallLeg leg)
    {
        TimeSpan due;
        lock (leg.Gate)
        {
            if (leg.SessionInterval is not { } interval || leg.IsEnded)
            {
                return;
            }

            due = leg.WeRefresh
                ? interval / 2
                : interval - TimeSpan.FromSeconds(Math.Min(32, interval.TotalSeconds / 3));
            leg.SessionTimer ??= Time.CreateTimer(
                static state =>
                {
                    var (engine, timedLeg) = ((SipEngine, CallLeg))state!;
                    engine.OnSessionTimer(timedLeg);
                },
                (this, leg),
                Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan);
            leg.SessionTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnSessionTimer(CallLeg leg)
    {
        bool weRefresh;
        lock (leg.Gate)
        {
            if (leg.IsEnded)
            {
                return;
            }

            weRefresh = leg.WeRefresh;
        }

        if (weRefresh)
        {
            _ = RefreshSessionAsync(leg);
        }
        else
        {
            Log.LegProblem(logger, leg.Id, "session timer expired without a refresh");
            _ = HangupAsync(leg.Id, HangupCause.SessionExpired);
        }
    }

    /// <summary>Refreshes with UPDATE when the peer allows it (no SDP, RFC 4028 §9), else a re-INVITE with our current offer.</summary>
    private async Task RefreshSessionAsync(CallLeg leg)
    {
        var response = await SendInDialogRequestAsync(leg, SipMethods.Update, request =>
        {
            request.Headers.Add(HeaderNames.SessionExpires, $"{(int)(leg.SessionInterval ?? TimeSpan.FromSeconds(Options.SessionExpiresSeconds)).TotalSeconds};refresher={(leg.Direction == LegDirection.Inbound ? "uas" : "uac")}");
            request.Headers.Add(HeaderNames.Supported, "timer");
        }).ConfigureAwait(false);
        if (response is { StatusCode: 405 or 501 })
        {
            response = await SendReInviteAsync(leg, Sdp.MediaDirection.SendRecv).ConfigureAwait(false);
        }

        if (response is null || response.StatusCode is 408 or 481)
        {
            await HangupAsync(leg.Id, HangupCause.SessionExpired).ConfigureAwait(false);
            return;
        }

        StartSessionTimer(leg);
    }
}
