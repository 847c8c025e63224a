using System.Globalization;
using Lawline.Sip.Calls;
using Lawline.Sip.Messages;
using Lawline.Sip.Sdp;
using Lawline.Sip.Transactions;

namespace Lawline.Sip;

// Requests inside an existing dialog: BYE, re-INVITE (hold, session refresh), UPDATE, INFO, REFER.
public sealed partial class SipEngine
{
    private void OnInDialogRequest(ServerTransaction transaction)
    {
        var request = transaction.Request;
        var leg = FindLeg(request, incomingRequest: true);
        if (leg is null || leg.IsEnded)
        {
            // RFC 3261 §12.2.2: a request for a dialog we don't know is answered 481.
            transaction.Respond(request.CreateResponse(481));
            return;
        }

        lock (leg.Gate)
        {
            if (!leg.Dialog.AcceptRemoteSequence(request.CSeq.Number))
            {
                transaction.Respond(request.CreateResponse(500, "Out of Order"));
                return;
            }
        }

        switch (request.Method)
        {
            case SipMethods.Bye:
                transaction.Respond(request.CreateResponse(200));
                EndLeg(leg, HangupCause.Normal, 200, byRemote: true);
                break;
            case SipMethods.Invite:
                OnReInvite(leg, transaction);
                break;
            case SipMethods.Update:
                OnUpdate(leg, transaction);
                break;
            case SipMethods.Info:
                OnInfo(leg, transaction);
                break;
            case SipMethods.Refer:
                OnRefer(leg, transaction);
                break;
            case SipMethods.Options or SipMethods.Notify:
                transaction.Respond(WithCapabilities(request.CreateResponse(200)));
                break;
            case SipMethods.Prack:
                transaction.Respond(request.CreateResponse(200));
                break;
            default:
                var notAllowed = request.CreateResponse(405);
                notAllowed.Headers.Add(HeaderNames.Allow, AllowedMethods);
                transaction.Respond(notAllowed);
                break;
        }
    }

    /// <summary>
    /// A re-INVITE (RFC 3261 §14.2): hold and resume (RFC 3264 §8.4), a session refresh (RFC 4028) or a
    /// target refresh. The answer keeps our anchored address; the direction answers the peer's.
    /// </summary>
    private void OnReInvite(CallLeg leg, ServerTransaction transaction)
    {
        var request = transaction.Request;
        SipResponse response;
        bool? holdChange = null;
        lock (leg.Gate)
        {
            if (leg.InviteTransaction is not null || leg.PendingReInvite is not null)
            {
                // RFC 3261 §14.2: an offer while ours is pending gets 491 (the peer retries after a random delay).
                transaction.Respond(request.CreateResponse(leg.InviteTransaction is not null ? 500 : 491));
                return;
            }

            leg.Dialog.RefreshTarget(request, transaction.Source);
            response = WithCapabilities(request.CreateResponse(200));
            response.Headers.Add(HeaderNames.Contact, $"<{LocalContact()}>");
            if (request.Body.Length > 0 && IsSdp(request))
            {
                if (!AnswerOffer(leg, transaction, response, out holdChange))
                {
                    return;
                }
            }
            else
            {
                // No offer in the re-INVITE: offer our current description; the answer comes in the ACK.
                leg.LocalOffer = SdpNegotiator.CreateOffer(leg.Origin, AdvertisedAddress, leg.Media.LocalPort);
                response.SetBody("application/sdp", leg.LocalOffer.ToString());
            }

            AddSessionTimerHeaders(leg, request, response);
            leg.PendingReInvite = transaction;
        }

        transaction.AckTimedOut = () => Log.LegProblem(logger, leg.Id, "no ACK for the 200 to a re-INVITE");
        transaction.Respond(response);
        RestartSessionTimer(leg, request);
        if (holdChange is { } onHold)
        {
            OnRemoteHoldChanged(leg, onHold);
        }
    }

    /// <summary>RFC 3311 UPDATE: usually a session refresh without SDP (carriers, RFC 4028 §9).</summary>
    private void OnUpdate(CallLeg leg, ServerTransaction transaction)
    {
        var request = transaction.Request;
        var response = WithCapabilities(request.CreateResponse(200));
        response.Headers.Add(HeaderNames.Contact, $"<{LocalContact()}>");
        bool? holdChange = null;
        lock (leg.Gate)
        {
            if (request.Body.Length > 0 && IsSdp(request) && !AnswerOffer(leg, transaction, response, out holdChange))
            {
                return;
            }

            AddSessionTimerHeaders(leg, request, response);
        }

        transaction.Respond(response);
        RestartSessionTimer(leg, request);
        if (holdChange is { } onHold)
        {
            OnRemoteHoldChanged(leg, onHold);
        }
    }

    /// <summary>
    /// Answers the SDP offer of an in-dialog request (re-INVITE or UPDATE) from the leg's anchored address, applies it
    /// to the media and notes a hold change. Returns false after answering 488 for an unreadable or unusable offer.
    /// Called under the leg's lock.
    /// </summary>
    private bool AnswerOffer(CallLeg leg, ServerTransaction transaction, SipResponse response, out bool? holdChange)
    {
        holdChange = null;
        SessionDescription offer;
        try
        {
            offer = SessionDescription.Parse(transaction.Request.BodyText);
        }
        catch (SdpParseException exception)
        {
            Respond488(transaction, $"Unreadable SDP: {exception.Message}");
            return false;
        }

        var answer = SdpNegotiator.Answer(offer, leg.Origin, AdvertisedAddress, leg.Media.LocalPort);
        if (answer.Media is null)
        {
            Respond488(transaction, "No common audio codec (PCMU or PCMA required).");
            return false;
        }

        leg.LocalAnswer = answer.Answer;
        leg.Media.Configure(answer.Media);
        if (answer.Media.RemoteHold != leg.RemoteHold)
        {
            leg.RemoteHold = answer.Media.RemoteHold;
            holdChange = leg.RemoteHold;
        }

        response.SetBody("application/sdp", answer.Answer.ToString());
        return true;
    }

    /// <summary>SIP INFO with application/dtmf-relay or application/dtmf (older desk phones send keys this way).</summary>
    private void OnInfo(CallLeg leg, ServerTransaction transaction)
    {
        var request = transaction.Request;
        transaction.Respond(request.CreateResponse(200));
        var type = request.ContentType ?? "";
        if (!type.StartsWith("application/dtmf", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        char? digit = null;
        var duration = TimeSpan.FromMilliseconds(100);
        foreach (var rawLine in request.BodyText.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("Signal", StringComparison.OrdinalIgnoreCase) && line.IndexOf('=') is var eq and > 0)
            {
                var value = line[(eq + 1)..].Trim();
                digit = value.Length == 1 ? char.ToUpperInvariant(value[0]) : value == "10" ? '*' : value == "11" ? '#' : null;
            }
            else if (line.StartsWith("Duration", StringComparison.OrdinalIgnoreCase) && line.IndexOf('=') is var eq2 and > 0
                && int.TryParse(line[(eq2 + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                duration = TimeSpan.FromMilliseconds(ms);
            }
            else if (line.Length == 1 && type.Equals("application/dtmf", StringComparison.OrdinalIgnoreCase))
            {
                digit = line[0];
            }
        }

        if (digit is { } d && "0123456789*#ABCD".Contains(d, StringComparison.Ordinal))
        {
            leg.Media.InjectDigit(d, duration);
        }
    }

    private void OnRemoteHoldChanged(CallLeg leg, bool onHold)
    {
        Log.Hold(logger, leg.Id, onHold);
        Publish(new HoldChanged(leg.Id, Time.GetUtcNow(), onHold));
        CallLeg? partner;
        lock (leg.Gate)
        {
            partner = leg.Partner;
        }

        if (partner is null)
        {
            return;
        }

        // The agent's phone holds the call: the caller hears music instead of silence until it resumes.
        if (onHold)
        {
            StartMusicOnHold(partner);
        }
        else
        {
            StopMusicOnHold(partner);
        }
    }

    /// <summary>Ends a leg: media released, partner unbridged (and hung up when bridged "together"), event published.</summary>
    internal void EndLeg(CallLeg leg, HangupCause cause, int status, bool byRemote)
    {
        CallLeg? partnerToHangUp = null;
        lock (leg.Gate)
        {
            if (leg.IsEnded)
            {
                return;
            }

            leg.State = LegState.Ended;
            leg.SessionTimer?.Dispose();
            if (leg.Partner is { } partner)
            {
                if (leg.HangUpWithPartner)
                {
                    partnerToHangUp = partner;
                }

                leg.Partner = null;
                lock (partner.Gate)
                {
                    if (partner.Partner == leg)
                    {
                        partner.Partner = null;
                    }
                }
            }
        }

        RemoveLeg(leg);
        var stopped = leg.Media.StopRecording();
        leg.Media.Dispose();
        Log.Ended(logger, leg.Id, cause, status, byRemote);
        if (stopped is { } recording)
        {
            Publish(new RecordingStopped(leg.Id, Time.GetUtcNow(), recording.Path, recording.Duration));
        }

        Publish(new CallEnded(leg.Id, Time.GetUtcNow(), cause, status, byRemote));
        if (partnerToHangUp is not null)
        {
            _ = HangupAsync(partnerToHangUp.Id, cause == HangupCause.Normal ? HangupCause.Normal : cause);
        }
    }
}
