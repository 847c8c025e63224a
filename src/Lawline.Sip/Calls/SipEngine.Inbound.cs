using System.Net;
using Lawline.Sip.Calls;
using Lawline.Sip.Dialogs;
using Lawline.Sip.Messages;
using Lawline.Sip.Sdp;
using Lawline.Sip.Transactions;

namespace Lawline.Sip;

// Inbound legs: a caller's INVITE becomes a leg the routing logic rings, answers or rejects.
public sealed partial class SipEngine
{
    private void OnInitialInvite(ServerTransaction transaction)
    {
        var invite = transaction.Request;
        transaction.Respond(invite.CreateResponse(100));

        if (CheckSessionTimer(invite) is { } tooSmall)
        {
            transaction.Respond(tooSmall);
            return;
        }

        SessionDescription? offer = null;
        if (invite.Body.Length > 0)
        {
            if (!IsSdp(invite))
            {
                var unsupported = invite.CreateResponse(415, null, SipTransactionLayer.RandomToken(6));
                unsupported.Headers.Add(HeaderNames.Accept, "application/sdp");
                transaction.Respond(unsupported);
                return;
            }

            try
            {
                offer = SessionDescription.Parse(invite.BodyText);
            }
            catch (SdpParseException exception)
            {
                Respond488(transaction, $"Unreadable SDP: {exception.Message}");
                return;
            }
        }

        LegMedia legMedia;
        try
        {
            legMedia = Media.CreateLegMedia();
        }
        catch (MediaUnavailableException exception)
        {
            var busy = invite.CreateResponse(503, null, SipTransactionLayer.RandomToken(6));
            busy.Headers.Add(HeaderNames.RetryAfter, "5");
            transaction.Respond(busy);
            Log.LegProblem(logger, default, exception.Message);
            return;
        }

        var localTag = SipTransactionLayer.RandomToken(6);
        var dialog = SipDialog.ForUas(invite, localTag, transaction.Source);
        var origin = new SdpOriginState(AdvertisedAddress.ToString());
        var caller = CallerIdentity(invite);
        var leg = new CallLeg(NewLegId(), LegDirection.Inbound, dialog, legMedia, origin, Time.GetUtcNow())
        {
            InviteTransaction = transaction,
            RemoteNumber = caller.Number,
        };

        if (offer is not null)
        {
            var answer = SdpNegotiator.Answer(offer, origin, AdvertisedAddress, legMedia.LocalPort);
            if (answer.Media is null)
            {
                legMedia.Dispose();
                Respond488(transaction, "No common audio codec (PCMU or PCMA required).");
                return;
            }

            leg.LocalAnswer = answer.Answer;
            legMedia.Configure(answer.Media);
        }

        ApplySessionTimerRequest(leg, invite);
        WireMedia(leg);
        AddLeg(leg);
        transaction.Cancelled = () => OnInviteCancelled(leg);

        var dialed = invite.Uri.User ?? invite.To.Uri.User ?? "";
        var fromRegistered = caller.Number.Length > 0 && Locations.Lookup(caller.Number).Any(b => b.Source.Equals(transaction.Source));
        Log.Offered(logger, leg.Id, caller.Number, dialed, invite.CallId);
        Publish(new CallOffered(leg.Id, Time.GetUtcNow(), caller.Number, caller.Name, dialed, invite.CallId, transaction.Source.ToString(), fromRegistered));
    }

    /// <summary>The caller's number: P-Asserted-Identity from a trusted trunk, else the From user.</summary>
    private static (string Number, string? Name) CallerIdentity(SipRequest invite)
    {
        NameAddress identity;
        try
        {
            identity = invite.Headers[HeaderNames.PAssertedIdentity] is { } asserted ? NameAddress.Parse(HeaderSyntax.SplitList(asserted)[0]) : invite.From;
        }
        catch (SipParseException)
        {
            identity = invite.From;
        }

        var user = identity.Uri.User ?? identity.Uri.ToString();
        if (!identity.Uri.IsSip && identity.Uri.Scheme == "tel")
        {
            user = identity.Uri.ToString()[4..];
        }

        var semicolon = user.IndexOf(';');
        return (semicolon >= 0 ? user[..semicolon] : user, identity.DisplayName);
    }

    private static bool IsSdp(SipMessage message) =>
        message.ContentType is { } type && type.StartsWith("application/sdp", StringComparison.OrdinalIgnoreCase);

    private void Respond488(ServerTransaction transaction, string warning)
    {
        var response = transaction.Request.CreateResponse(488, null, SipTransactionLayer.RandomToken(6));
        response.Headers.Add("Warning", $"304 lawline \"{warning.Replace("\"", "'", StringComparison.Ordinal)}\"");
        transaction.Respond(response);
    }

    private void OnInviteCancelled(CallLeg leg)
    {
        ServerTransaction? transaction;
        lock (leg.Gate)
        {
            if (leg.IsEnded || leg.State == LegState.Answered)
            {
                return;
            }

            transaction = leg.InviteTransaction;
        }

        // RFC 3261 §9.2: the UAS answers the INVITE 487 after a CANCEL.
        transaction?.Respond(transaction.Request.CreateResponse(487, null, leg.Dialog.LocalTag));
        EndLeg(leg, HangupCause.Cancelled, 487, byRemote: true);
    }

    public Task RingAsync(CallLegId id, bool earlyMedia = false, CancellationToken cancellationToken = default)
    {
        var leg = RequireLeg(id);
        SipResponse response;
        ServerTransaction transaction;
        lock (leg.Gate)
        {
            if (leg.Direction != LegDirection.Inbound || leg.InviteTransaction is null || leg.State is LegState.Answered or LegState.Ended)
            {
                return Task.CompletedTask;
            }

            transaction = leg.InviteTransaction;
            var withMedia = earlyMedia && leg.LocalAnswer is not null;
            response = transaction.Request.CreateResponse(withMedia ? 183 : 180, null, leg.Dialog.LocalTag);
            response.Headers.Add(HeaderNames.Contact, $"<{LocalContact()}>");
            if (withMedia)
            {
                response.SetBody("application/sdp", leg.LocalAnswer!.ToString());
            }

            leg.State = withMedia ? LegState.EarlyMedia : LegState.Ringing;
        }

        transaction.Respond(response);
        return Task.CompletedTask;
    }

    public Task AnswerAsync(CallLegId id, CancellationToken cancellationToken = default)
    {
        var leg = RequireLeg(id);
        SipResponse response;
        ServerTransaction transaction;
        lock (leg.Gate)
        {
            if (leg.Direction != LegDirection.Inbound || leg.IsEnded)
            {
                throw new InvalidOperationException($"Call leg {id} cannot be answered.");
            }

            if (leg.State == LegState.Answered)
            {
                return Task.CompletedTask;
            }

            transaction = leg.InviteTransaction ?? throw new InvalidOperationException($"Call leg {id} has no pending INVITE.");
            response = CreateSuccessForInvite(leg, transaction.Request);
            leg.State = LegState.Answered;
            leg.AnsweredAt = Time.GetUtcNow();
            leg.Dialog.Confirm();
        }

        transaction.AckTimedOut = () =>
        {
            // RFC 3261 §13.3.1.4: no ACK for the 2xx within 64*T1 — the UAS ends the session with BYE.
            Log.LegProblem(logger, leg.Id, "no ACK for 200 OK; hanging up");
            _ = HangupAsync(leg.Id, HangupCause.Failed);
        };
        transaction.Respond(response);
        StartSessionTimer(leg);
        Log.Answered(logger, leg.Id);
        Publish(new CallAnswered(leg.Id, Time.GetUtcNow()));
        return Task.CompletedTask;
    }

    /// <summary>A 200 OK for an INVITE on an inbound leg: SDP answer (or our offer for a late-offer INVITE), Contact, timers.</summary>
    private SipResponse CreateSuccessForInvite(CallLeg leg, SipRequest invite)
    {
        var response = WithCapabilities(invite.CreateResponse(200, null, leg.Dialog.LocalTag));
        response.Headers.Add(HeaderNames.Contact, $"<{LocalContact()}>");
        if (leg.LocalAnswer is not null)
        {
            response.SetBody("application/sdp", leg.LocalAnswer.ToString());
        }
        else
        {
            // RFC 3261 §13.2.1: an INVITE without SDP gets our offer in the 2xx; the answer comes in the ACK.
            leg.LocalOffer = SdpNegotiator.CreateOffer(leg.Origin, AdvertisedAddress, leg.Media.LocalPort);
            response.SetBody("application/sdp", leg.LocalOffer.ToString());
        }

        AddSessionTimerHeaders(leg, invite, response);
        return response;
    }

    private void OnAckForLeg(CallLeg leg, SipRequest ack)
    {
        ServerTransaction? invite;
        lock (leg.Gate)
        {
            invite = leg.InviteTransaction;
            if (invite is not null && invite.Request.CSeq.Number == ack.CSeq.Number)
            {
                leg.InviteTransaction = null;
            }
            else
            {
                invite = leg.PendingReInvite is { } reInvite && reInvite.Request.CSeq.Number == ack.CSeq.Number ? reInvite : null;
                if (invite is not null)
                {
                    leg.PendingReInvite = null;
                }
            }

            // Late offer: the ACK carries the answer to the offer we put in the 2xx.
            if (leg.LocalOffer is { } offer && ack.Body.Length > 0 && IsSdp(ack))
            {
                try
                {
                    if (SdpNegotiator.ProcessAnswer(offer, SessionDescription.Parse(ack.BodyText)) is { } negotiated)
                    {
                        leg.Media.Configure(negotiated);
                    }
                }
                catch (SdpParseException exception)
                {
                    Log.LegProblem(logger, leg.Id, $"unreadable SDP in ACK: {exception.Message}");
                }

                leg.LocalOffer = null;
            }
        }

        if (invite is not null)
        {
            Transactions.AcknowledgeInvite(invite);
        }
    }
}
