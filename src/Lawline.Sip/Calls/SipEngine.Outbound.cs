using System.Net;
using Lawline.Sip.Auth;
using Lawline.Sip.Calls;
using Lawline.Sip.Dialogs;
using Lawline.Sip.Messages;
using Lawline.Sip.Sdp;
using Lawline.Sip.Transactions;

namespace Lawline.Sip;

// Outbound legs: the engine calls agents' phones (forking to every registered device) and numbers through trunks.
public sealed partial class SipEngine
{
    private sealed record Destination(SipUri RequestUri, IPEndPoint EndPoint, NameAddress To, SipTrunkOptions? Trunk);

    public async Task<OriginateResult> OriginateAsync(OriginateRequest request, CancellationToken cancellationToken = default)
    {
        var destinations = ResolveTarget(request.Target);
        if (destinations.Count == 0)
        {
            return OriginateResult.Failed(request.Target is OriginateTarget.Registered ? HangupCause.Unavailable : HangupCause.NotFound, 480);
        }

        var started = Time.GetTimestamp();
        var attempts = new List<(CallLeg Leg, Task<SipResponse> Final)>();
        foreach (var destination in destinations)
        {
            try
            {
                attempts.Add(StartOutboundLeg(request, destination));
            }
            catch (MediaUnavailableException exception)
            {
                Log.LegProblem(logger, default, exception.Message);
            }
        }

        if (attempts.Count == 0)
        {
            return OriginateResult.Failed(HangupCause.Failed, 503);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ringTimeout = Task.Delay(request.RingTimeout, Time, timeout.Token);
        SipResponse? best = null;
        try
        {
            while (attempts.Count > 0)
            {
                var finished = await Task.WhenAny(attempts.Select(a => (Task)a.Final).Append(ringTimeout)).ConfigureAwait(false);
                if (finished == ringTimeout)
                {
                    var cause = cancellationToken.IsCancellationRequested ? HangupCause.Cancelled : HangupCause.NoAnswer;
                    foreach (var (leg, _) in attempts)
                    {
                        await HangupAsync(leg.Id, cause).ConfigureAwait(false);
                    }

                    return OriginateResult.Failed(cause, cause == HangupCause.NoAnswer ? 408 : 487);
                }

                var index = attempts.FindIndex(a => a.Final == finished);
                var (answeredLeg, final) = attempts[index];
                attempts.RemoveAt(index);
                var response = await final.ConfigureAwait(false);
                if (response.IsSuccess && !answeredLeg.IsEnded)
                {
                    // RFC 3261 §16.7-style forking: the first 2xx wins, the other devices stop ringing.
                    foreach (var (other, _) in attempts)
                    {
                        await HangupAsync(other.Id, HangupCause.Cancelled).ConfigureAwait(false);
                    }

                    RecordSetupTime(Time.GetElapsedTime(started));
                    return new OriginateResult(answeredLeg.Id, true, HangupCause.Normal, response.StatusCode);
                }

                best = Better(best, response);
            }
        }
        finally
        {
            await timeout.CancelAsync().ConfigureAwait(false);
        }

        var status = best?.StatusCode ?? 480;
        return OriginateResult.Failed(CauseFor(status), status);
    }

    /// <summary>RFC 3261 §16.7 step 6, simplified: a 6xx beats everything, then 486 (busy), then the lowest class.</summary>
    private static SipResponse Better(SipResponse? current, SipResponse candidate)
    {
        if (current is null)
        {
            return candidate;
        }

        static int Rank(int status) => status switch
        {
            >= 600 => 0,
            486 => 1,
            487 => 9,
            408 or 480 => 3,
            _ => 2,
        };
        return Rank(candidate.StatusCode) < Rank(current.StatusCode) ? candidate : current;
    }

    internal static HangupCause CauseFor(int status) => status switch
    {
        486 or 600 => HangupCause.Busy,
        408 => HangupCause.NoAnswer,
        480 => HangupCause.Unavailable,
        404 or 484 or 604 => HangupCause.NotFound,
        487 => HangupCause.Cancelled,
        403 or 603 => HangupCause.Rejected,
        _ => HangupCause.Failed,
    };

    private static int StatusFor(HangupCause cause) => cause switch
    {
        HangupCause.Busy => 486,
        HangupCause.NoAnswer => 480,
        HangupCause.Unavailable => 480,
        HangupCause.Rejected => 603,
        HangupCause.NotFound => 404,
        HangupCause.Cancelled => 487,
        _ => 480,
    };

    private List<Destination> ResolveTarget(OriginateTarget target)
    {
        var host = Transport.ViaHost;
        switch (target)
        {
            case OriginateTarget.Registered registered:
                return Locations.Lookup(registered.User)
                    .Select(binding => new Destination(
                        binding.Contact.Clone(),
                        binding.Source,
                        new NameAddress(SipUri.Create(registered.User, host)),
                        null))
                    .ToList();

            case OriginateTarget.Trunk trunkTarget:
                var trunk = Options.Trunks.FirstOrDefault(t => string.Equals(t.Name, trunkTarget.TrunkName, StringComparison.OrdinalIgnoreCase))
                    ?? throw new InvalidOperationException($"No SIP trunk named \"{trunkTarget.TrunkName}\" is configured.");
                var domain = string.IsNullOrWhiteSpace(trunk.Domain) ? trunk.Host : trunk.Domain;
                var uri = SipUri.Create(trunkTarget.Number, domain, trunk.Port == 5060 ? null : trunk.Port);
                return [new Destination(uri, new IPEndPoint(ResolveHost(trunk.Host), trunk.Port), new NameAddress(uri), trunk)];

            case OriginateTarget.Uri direct:
                var parsed = SipUri.Parse(direct.SipUri);
                if (!parsed.IsSip)
                {
                    throw new InvalidOperationException($"\"{direct.SipUri}\" is not a SIP URI.");
                }

                return [new Destination(parsed, new IPEndPoint(ResolveHost(parsed.Host), parsed.Port ?? 5060), new NameAddress(parsed.WithoutParameters()), null)];

            default:
                throw new InvalidOperationException($"Unknown originate target {target}.");
        }
    }

    private static IPAddress ResolveHost(string host)
    {
        var trimmed = host.Trim('[', ']');
        if (IPAddress.TryParse(trimmed, out var address))
        {
            return address;
        }

        return Dns.GetHostAddresses(trimmed).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"Cannot resolve \"{host}\".");
    }

    private (CallLeg Leg, Task<SipResponse> Final) StartOutboundLeg(OriginateRequest request, Destination destination)
    {
        var legMedia = Media.CreateLegMedia();
        var callId = $"{SipTransactionLayer.RandomToken(12)}@{Transport.ViaHost}";
        var callerNumber = destination.Trunk?.CallerNumber is { Length: > 0 } trunkNumber ? trunkNumber : request.CallerNumber;
        var fromHost = destination.Trunk is { } trunk ? (string.IsNullOrWhiteSpace(trunk.Domain) ? trunk.Host : trunk.Domain) : Transport.ViaHost;
        var from = new NameAddress(SipUri.Create(callerNumber, fromHost), request.CallerName);
        var dialog = SipDialog.ForUac(callId, from, destination.To, destination.RequestUri, destination.EndPoint);
        var origin = new SdpOriginState(AdvertisedAddress.ToString());
        var offer = SdpNegotiator.CreateOffer(origin, AdvertisedAddress, legMedia.LocalPort);
        var invite = dialog.CreateRequest(SipMethods.Invite, Transactions.CreateVia(SipTransactionLayer.NewBranch()), LocalContact());
        invite.Headers.Add(HeaderNames.Supported, SupportedExtensions);
        invite.Headers.Add(HeaderNames.Allow, AllowedMethods);
        invite.Headers.Add(HeaderNames.UserAgent, Options.UserAgent);
        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            invite.Headers.Add(name, value);
        }

        invite.SetBody("application/sdp", offer.ToString());
        var leg = new CallLeg(NewLegId(), LegDirection.Outbound, dialog, legMedia, origin, Time.GetUtcNow())
        {
            RemoteNumber = destination.RequestUri.User ?? destination.RequestUri.Host,
            OutboundInvite = invite,
            LocalOffer = offer,
        };
        WireMedia(leg);
        AddLeg(leg);
        return (leg, RunOutboundInviteAsync(leg, invite, destination, request.EarlyMediaFor));
    }

    private async Task<SipResponse> RunOutboundInviteAsync(CallLeg leg, SipRequest invite, Destination destination, CallLegId? earlyMediaFor)
    {
        var authenticated = false;
        while (true)
        {
            var transaction = Transactions.SendRequest(
                invite,
                destination.EndPoint,
                provisional: response => OnOutboundProvisional(leg, response, earlyMediaFor),
                successRetransmitted: _ =>
                {
                    if (leg.LastAck is { } ack)
                    {
                        Transactions.SendAck(ack, leg.Peer);
                    }
                });
            lock (leg.Gate)
            {
                leg.OutboundTransaction = transaction;
                leg.OutboundInvite = invite;
            }

            var response = await transaction.FinalResponse.ConfigureAwait(false);
            if (response.StatusCode is 401 or 407 && !authenticated && destination.Trunk is { Username: { Length: > 0 } } trunk)
            {
                // RFC 3261 §22.2: resend with credentials; same Call-ID and tags, next CSeq, new branch.
                authenticated = true;
                invite = AuthenticatedRetry(leg, invite, response, trunk);
                continue;
            }

            if (response.IsSuccess)
            {
                OnOutboundAnswered(leg, response);
            }
            else
            {
                EndLeg(leg, CauseFor(response.StatusCode), response.StatusCode, byRemote: !leg.CancelRequested);
            }

            return response;
        }
    }

    private SipRequest AuthenticatedRetry(CallLeg leg, SipRequest previous, SipResponse challenge, SipTrunkOptions trunk)
    {
        var retry = previous.Clone();
        retry.Headers.ReplaceFirstValue(HeaderNames.Via, Transactions.CreateVia(SipTransactionLayer.NewBranch()));
        retry.Headers.Set(HeaderNames.CSeq, new CSeqHeader(leg.Dialog.NextSequence(), SipMethods.Invite).ToString());
        DigestClient.Authorize(retry, challenge, trunk.Username!, trunk.Password ?? "");
        return retry;
    }

    private void OnOutboundProvisional(CallLeg leg, SipResponse response, CallLegId? earlyMediaFor)
    {
        bool sendCancel;
        bool firstRinging;
        var earlyMedia = false;
        lock (leg.Gate)
        {
            // RFC 3261 §9.1: a CANCEL may only follow a provisional response; a hang-up before any was deferred.
            sendCancel = leg.CancelRequested && !leg.ProvisionalReceived;
            leg.ProvisionalReceived = true;
            if (leg.IsEnded || leg.CancelRequested)
            {
                if (sendCancel)
                {
                    SendCancel(leg);
                }

                return;
            }

            if (response.To.Tag is not null)
            {
                leg.Dialog.UpdateFromResponse(response);
            }

            if (response.StatusCode == 100)
            {
                return;
            }

            if (response.Body.Length > 0 && IsSdp(response) && leg.LocalOffer is { } offer)
            {
                try
                {
                    if (SdpNegotiator.ProcessAnswer(offer, SessionDescription.Parse(response.BodyText)) is { } negotiated)
                    {
                        leg.Media.Configure(negotiated);
                        earlyMedia = true;
                    }
                }
                catch (SdpParseException exception)
                {
                    Log.LegProblem(logger, leg.Id, $"unreadable SDP in {response.StatusCode}: {exception.Message}");
                }
            }

            firstRinging = leg.State == LegState.Offered;
            leg.State = earlyMedia ? LegState.EarlyMedia : (leg.State == LegState.EarlyMedia ? LegState.EarlyMedia : LegState.Ringing);
        }

        if (firstRinging || earlyMedia)
        {
            Publish(new CallRinging(leg.Id, Time.GetUtcNow(), earlyMedia));
        }

        if (earlyMediaFor is { } callerId && FindLeg(callerId) is { } caller)
        {
            RelayRinging(caller, leg, earlyMedia);
        }
    }

    /// <summary>
    /// The caller hears what the called side offers while it rings: its early media (a carrier's ringback or
    /// announcement, relayed through a 183 when the caller is not answered yet), else a local ringback tone.
    /// </summary>
    private void RelayRinging(CallLeg caller, CallLeg callee, bool earlyMedia)
    {
        LegState callerState;
        lock (caller.Gate)
        {
            callerState = caller.State;
        }

        if (callerState is LegState.Offered or LegState.Ringing or LegState.EarlyMedia)
        {
            _ = RingAsync(caller.Id, earlyMedia);
        }

        if (earlyMedia && callerState != LegState.Ended)
        {
            caller.Media.StopPlayback();
            LegMedia.Bridge(caller.Media, callee.Media);
        }
        else if (callerState == LegState.Answered)
        {
            caller.Media.PlayRingback();
        }
    }

    private void OnOutboundAnswered(CallLeg leg, SipResponse response)
    {
        SipRequest ack;
        bool hangUpAgain;
        lock (leg.Gate)
        {
            leg.Dialog.UpdateFromResponse(response);
            ack = leg.Dialog.CreateRequest(SipMethods.Ack, Transactions.CreateVia(SipTransactionLayer.NewBranch()), LocalContact(), leg.OutboundInvite!.CSeq.Number);
            leg.LastAck = ack;
            hangUpAgain = leg.IsEnded || leg.CancelRequested;
            if (!hangUpAgain)
            {
                if (response.Body.Length > 0 && IsSdp(response) && leg.LocalOffer is { } offer)
                {
                    try
                    {
                        if (SdpNegotiator.ProcessAnswer(offer, SessionDescription.Parse(response.BodyText)) is { } negotiated)
                        {
                            leg.Media.Configure(negotiated);
                        }
                    }
                    catch (SdpParseException exception)
                    {
                        Log.LegProblem(logger, leg.Id, $"unreadable SDP in 200: {exception.Message}");
                    }
                }

                leg.State = LegState.Answered;
                leg.AnsweredAt = Time.GetUtcNow();
                if (ReadSessionExpires(response) is { } timer)
                {
                    leg.SessionInterval = TimeSpan.FromSeconds(Math.Max(Options.MinSessionExpiresSeconds, timer.Seconds));
                    leg.WeRefresh = timer.Refresher != "uas";
                }
            }
        }

        // RFC 3261 §13.2.2.4: ACK every 2xx, even one that arrives after we gave up, then BYE it.
        Transactions.SendAck(ack, leg.Peer);
        if (hangUpAgain)
        {
            _ = SendByeAsync(leg);
            EndLeg(leg, HangupCause.Cancelled, 487, byRemote: false);
            return;
        }

        StartSessionTimer(leg);
        Log.Answered(logger, leg.Id);
        Publish(new CallAnswered(leg.Id, Time.GetUtcNow()));
    }

    /// <summary>RFC 3261 §9.1: CANCEL copies the INVITE's Request-URI, Call-ID, From, To, CSeq number, top Via and Route.</summary>
    private void SendCancel(CallLeg leg)
    {
        var invite = leg.OutboundInvite!;
        var cancel = new SipRequest(SipMethods.Cancel, invite.Uri);
        cancel.Headers.Add(HeaderNames.Via, invite.Headers.Values(HeaderNames.Via)[0]);
        cancel.Headers.Add(HeaderNames.MaxForwards, "70");
        cancel.Headers.Add(HeaderNames.From, invite.Headers[HeaderNames.From]!);
        cancel.Headers.Add(HeaderNames.To, invite.Headers[HeaderNames.To]!);
        cancel.Headers.Add(HeaderNames.CallId, invite.CallId);
        cancel.Headers.Add(HeaderNames.CSeq, new CSeqHeader(invite.CSeq.Number, SipMethods.Cancel).ToString());
        foreach (var route in invite.Headers.Lines(HeaderNames.Route))
        {
            cancel.Headers.Add(HeaderNames.Route, route);
        }

        Transactions.SendRequest(cancel, leg.OutboundTransaction?.Destination ?? leg.Peer);
    }

    public Task HangupAsync(CallLegId id, HangupCause cause = HangupCause.Normal)
    {
        if (FindLeg(id) is not { } leg)
        {
            return Task.CompletedTask;
        }

        ServerTransaction? pendingInvite = null;
        var sendCancel = false;
        var sendBye = false;
        lock (leg.Gate)
        {
            if (leg.IsEnded)
            {
                return Task.CompletedTask;
            }

            if (leg.Direction == LegDirection.Inbound && leg.State != LegState.Answered)
            {
                pendingInvite = leg.InviteTransaction;
            }
            else if (leg.Direction == LegDirection.Outbound && leg.State != LegState.Answered)
            {
                sendCancel = leg.ProvisionalReceived && !leg.CancelRequested;
                leg.CancelRequested = true;
            }
            else
            {
                sendBye = true;
            }
        }

        if (pendingInvite is not null)
        {
            pendingInvite.Respond(pendingInvite.Request.CreateResponse(StatusFor(cause), null, leg.Dialog.LocalTag));
            EndLeg(leg, cause, StatusFor(cause), byRemote: false);
            return Task.CompletedTask;
        }

        if (sendCancel)
        {
            SendCancel(leg);
        }

        if (sendBye)
        {
            EndLeg(leg, cause, 200, byRemote: false);
            // The leg is over for us now; the BYE's transaction retransmits and times out on its own, so
            // nobody waits on a phone that has vanished.
            _ = SendByeAsync(leg);
            return Task.CompletedTask;
        }

        // An outbound leg that is still ringing ends when its INVITE is answered 487 (or the 2xx is ACKed and BYEd).
        if (leg.Direction == LegDirection.Outbound)
        {
            EndLeg(leg, cause, 487, byRemote: false);
        }

        return Task.CompletedTask;
    }

    private async Task SendByeAsync(CallLeg leg)
    {
        var response = await SendInDialogRequestAsync(leg, SipMethods.Bye, request =>
        {
            request.Headers.Add(HeaderNames.UserAgent, Options.UserAgent);
        }).ConfigureAwait(false);
        if (response is { IsSuccess: false, StatusCode: not (408 or 481) })
        {
            Log.LegProblem(logger, leg.Id, $"BYE answered {response.StatusCode}");
        }
    }

    /// <summary>Sends a request inside the leg's dialog and waits for its final response (null when the engine stopped).</summary>
    internal async Task<SipResponse?> SendInDialogRequestAsync(CallLeg leg, string method, Action<SipRequest>? customize = null, string? sdp = null)
    {
        SipRequest request;
        lock (leg.Gate)
        {
            request = leg.Dialog.CreateRequest(method, Transactions.CreateVia(SipTransactionLayer.NewBranch()), LocalContact());
        }

        customize?.Invoke(request);
        if (sdp is not null)
        {
            request.SetBody("application/sdp", sdp);
        }

        try
        {
            var transaction = Transactions.SendRequest(request, leg.Peer);
            var response = await transaction.FinalResponse.ConfigureAwait(false);
            if (method == SipMethods.Invite && response.IsSuccess)
            {
                var ack = leg.Dialog.CreateRequest(SipMethods.Ack, Transactions.CreateVia(SipTransactionLayer.NewBranch()), LocalContact(), request.CSeq.Number);
                leg.LastAck = ack;
                Transactions.SendAck(ack, leg.Peer);
            }

            return response;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A re-INVITE from us with a fresh offer in <paramref name="direction"/> (used for refreshes).</summary>
    internal async Task<SipResponse?> SendReInviteAsync(CallLeg leg, MediaDirection direction)
    {
        SessionDescription offer;
        lock (leg.Gate)
        {
            offer = SdpNegotiator.CreateOffer(leg.Origin, AdvertisedAddress, leg.Media.LocalPort, direction);
        }

        var response = await SendInDialogRequestAsync(leg, SipMethods.Invite, request =>
        {
            request.Headers.Add(HeaderNames.Supported, SupportedExtensions);
            if (leg.SessionInterval is { } interval)
            {
                request.Headers.Add(HeaderNames.SessionExpires, $"{(int)interval.TotalSeconds};refresher={(leg.Direction == LegDirection.Inbound ? "uas" : "uac")}");
            }
        }, offer.ToString()).ConfigureAwait(false);
        if (response is { IsSuccess: true } && response.Body.Length > 0 && IsSdp(response))
        {
            try
            {
                if (SdpNegotiator.ProcessAnswer(offer, SessionDescription.Parse(response.BodyText)) is { } negotiated)
                {
                    leg.Media.Configure(negotiated);
                }
            }
            catch (SdpParseException exception)
            {
                Log.LegProblem(logger, leg.Id, $"unreadable SDP in re-INVITE answer: {exception.Message}");
            }
        }

        return response;
    }
}
