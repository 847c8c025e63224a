using Lawline.Sip.Calls;
using Lawline.Sip.Messages;
using Lawline.Sip.Transactions;

namespace Lawline.Sip;

// Transfers. A phone's REFER (RFC 3515) is carried out by the engine: the caller's leg stays with us and the
// engine places the new leg itself, because a phone whose transfer fails still hangs up its own leg (baresip).
public sealed partial class SipEngine
{
    private void OnRefer(CallLeg leg, ServerTransaction transaction)
    {
        var request = transaction.Request;
        NameAddress referTo;
        try
        {
            referTo = NameAddress.Parse(request.Headers[HeaderNames.ReferTo] ?? throw new SipParseException("No Refer-To."));
        }
        catch (SipParseException exception)
        {
            var bad = request.CreateResponse(400);
            bad.Headers.Add("Warning", $"399 lawline \"{exception.Message.Replace("\"", "'", StringComparison.Ordinal)}\"");
            transaction.Respond(bad);
            return;
        }

        CallLeg? partner;
        lock (leg.Gate)
        {
            partner = leg.Partner;
            // RFC 4488: "Refer-Sub: false" asks for no implicit subscription (no NOTIFYs).
            leg.ReferSubscriptionActive = !string.Equals(request.Headers["Refer-Sub"], "false", StringComparison.OrdinalIgnoreCase);
        }

        if (partner is null)
        {
            transaction.Respond(request.CreateResponse(603, "Nothing To Transfer"));
            return;
        }

        var accepted = request.CreateResponse(202);
        accepted.Headers.Add(HeaderNames.Contact, $"<{LocalContact()}>");
        transaction.Respond(accepted);

        var target = ReferTarget(referTo.Uri, out var replaced);
        Log.TransferRequested(logger, leg.Id, partner.Id, referTo.Uri.ToString());
        Publish(new TransferRequested(leg.Id, Time.GetUtcNow(), referTo.Uri.WithoutParameters().ToString(), partner.Id));
        _ = NotifyReferProgressAsync(leg, 100, "Trying", terminated: false);
        if (replaced is not null)
        {
            _ = CompleteAttendedTransferAsync(leg, partner, replaced);
        }
        else
        {
            _ = RunTransferAsync(leg, partner, target, notify: true, CancellationToken.None);
        }
    }

    /// <summary>
    /// Where a Refer-To points: an agent registered here, a leg of ours named by Replaces (attended transfer,
    /// RFC 3891), a number for the first trunk, or the URI itself.
    /// </summary>
    private OriginateTarget ReferTarget(SipUri uri, out CallLeg? replaced)
    {
        replaced = null;
        if (uri.Headers is { } headers && ReplacesDialog(headers) is { } dialog)
        {
            foreach (var candidate in AllLegs)
            {
                if (candidate.Dialog.CallId == dialog.CallId
                    && (candidate.Dialog.LocalTag == dialog.ToTag || candidate.Dialog.LocalTag == dialog.FromTag))
                {
                    replaced = candidate;
                    break;
                }
            }
        }

        var user = uri.User;
        if (user is not null && Locations.Lookup(user).Count > 0)
        {
            return new OriginateTarget.Registered(user);
        }

        if (user is not null && Options.Trunks.Count > 0 && user.TrimStart('+').All(char.IsAsciiDigit)
            && !uri.Host.Equals(Transport.ViaHost, StringComparison.OrdinalIgnoreCase))
        {
            return new OriginateTarget.Trunk(Options.Trunks[0].Name, user);
        }

        return user is not null && uri.Host.Equals(Transport.ViaHost, StringComparison.OrdinalIgnoreCase)
            ? new OriginateTarget.Registered(user)
            : new OriginateTarget.Uri(uri.WithoutParameters().ToString());
    }

    private static (string CallId, string? ToTag, string? FromTag)? ReplacesDialog(string uriHeaders)
    {
        foreach (var part in uriHeaders.Split('&'))
        {
            var eq = part.IndexOf('=');
            if (eq < 0 || !part[..eq].Equals("Replaces", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = Uri.UnescapeDataString(part[(eq + 1)..]);
            var pieces = value.Split(';');
            string? toTag = null;
            string? fromTag = null;
            foreach (var piece in pieces.Skip(1))
            {
                var kv = piece.Split('=', 2);
                if (kv.Length == 2 && kv[0].Trim().Equals("to-tag", StringComparison.OrdinalIgnoreCase))
                {
                    toTag = kv[1].Trim();
                }
                else if (kv.Length == 2 && kv[0].Trim().Equals("from-tag", StringComparison.OrdinalIgnoreCase))
                {
                    fromTag = kv[1].Trim();
                }
            }

            return (pieces[0], toTag, fromTag);
        }

        return null;
    }

    public async Task<OriginateResult> TransferAsync(CallLegId leg, OriginateTarget target, CancellationToken cancellationToken = default)
    {
        var transferor = RequireLeg(leg);
        CallLeg? partner;
        lock (transferor.Gate)
        {
            partner = transferor.Partner;
        }

        if (partner is null)
        {
            throw new InvalidOperationException($"Call leg {leg} is not bridged to anyone to transfer.");
        }

        return await RunTransferAsync(transferor, partner, target, notify: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OriginateResult> RunTransferAsync(CallLeg transferor, CallLeg partner, OriginateTarget target, bool notify, CancellationToken cancellationToken)
    {
        // The partner (the citizen) hears ringback while the new leg rings; the transferor is parked silent.
        // The two are no longer partners: a phone that hangs up right after its REFER must not take the
        // citizen's leg with it.
        lock (transferor.Gate)
        {
            transferor.Partner = null;
        }

        lock (partner.Gate)
        {
            partner.Partner = null;
        }

        LegMedia.Unbridge(partner.Media);
        var result = await OriginateAsync(new OriginateRequest(target)
        {
            CallerNumber = partner.RemoteNumber,
            EarlyMediaFor = partner.Id,
        }, cancellationToken).ConfigureAwait(false);

        if (result is { Answered: true, Leg: { } newLeg } && !partner.IsEnded)
        {
            await BridgeAsync(partner.Id, newLeg, transferor.HangUpWithPartner).ConfigureAwait(false);
            if (notify)
            {
                await NotifyReferProgressAsync(transferor, 200, "OK", terminated: true).ConfigureAwait(false);
            }

            await HangupAsync(transferor.Id).ConfigureAwait(false);
            Publish(new TransferCompleted(transferor.Id, Time.GetUtcNow(), partner.Id, newLeg, true, 200));
            return result;
        }

        if (result is { Answered: true, Leg: { } orphan })
        {
            // The caller hung up while the target rang: nothing to connect.
            await HangupAsync(orphan).ConfigureAwait(false);
        }

        if (notify)
        {
            await NotifyReferProgressAsync(transferor, result.SipStatus, SipResponse.DefaultReason(result.SipStatus), terminated: true).ConfigureAwait(false);
        }

        partner.Media.StopPlayback();
        if (!transferor.IsEnded && !partner.IsEnded)
        {
            // The transfer failed and the transferor is still there: reconnect them.
            await BridgeAsync(partner.Id, transferor.Id, transferor.HangUpWithPartner).ConfigureAwait(false);
        }

        Publish(new TransferCompleted(transferor.Id, Time.GetUtcNow(), partner.Id, null, false, result.SipStatus));
        return result;
    }

    /// <summary>
    /// Attended transfer: the phone held the caller (partner), called a colleague through us (leg
    /// <paramref name="replaced"/>), and now asks us to join the caller with that colleague.
    /// </summary>
    private async Task CompleteAttendedTransferAsync(CallLeg transferor, CallLeg partner, CallLeg replaced)
    {
        CallLeg? colleague;
        lock (replaced.Gate)
        {
            colleague = replaced.Partner;
        }

        if (colleague is null || colleague.IsEnded || partner.IsEnded)
        {
            await NotifyReferProgressAsync(transferor, 481, "Call/Transaction Does Not Exist", terminated: true).ConfigureAwait(false);
            Publish(new TransferCompleted(transferor.Id, Time.GetUtcNow(), partner.Id, null, false, 481));
            return;
        }

        await BridgeAsync(partner.Id, colleague.Id, transferor.HangUpWithPartner).ConfigureAwait(false);
        await NotifyReferProgressAsync(transferor, 200, "OK", terminated: true).ConfigureAwait(false);
        await HangupAsync(transferor.Id).ConfigureAwait(false);
        await HangupAsync(replaced.Id).ConfigureAwait(false);
        Publish(new TransferCompleted(transferor.Id, Time.GetUtcNow(), partner.Id, colleague.Id, true, 200));
    }

    /// <summary>RFC 3515 §2.4.5: progress of the referenced request as a message/sipfrag NOTIFY.</summary>
    private async Task NotifyReferProgressAsync(CallLeg leg, int status, string reason, bool terminated)
    {
        lock (leg.Gate)
        {
            if (!leg.ReferSubscriptionActive || leg.IsEnded)
            {
                return;
            }

            if (terminated)
            {
                leg.ReferSubscriptionActive = false;
            }
        }

        await SendInDialogRequestAsync(leg, SipMethods.Notify, request =>
        {
            request.Headers.Add(HeaderNames.Event, "refer");
            request.Headers.Add(HeaderNames.SubscriptionState, terminated ? "terminated;reason=noresource" : "active;expires=60");
            request.SetBody("message/sipfrag;version=2.0", $"SIP/2.0 {status} {reason}\r\n");
        }).ConfigureAwait(false);
    }
}
