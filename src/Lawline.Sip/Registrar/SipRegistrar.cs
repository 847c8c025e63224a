using System.Globalization;
using Lawline.Sip.Auth;
using Lawline.Sip.Messages;
using Lawline.Sip.Transactions;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Registrar;

/// <summary>
/// The registrar for agents' phones (RFC 3261 §10.3) with digest authentication (RFC 7616): a phone may only
/// register its own account, several devices per account, expiries clamped, and registered phones kept
/// alive with OPTIONS so a phone that vanished stops receiving calls.
/// </summary>
internal sealed partial class SipRegistrar(SipEngine engine, ILogger<SipRegistrar> logger) : IDisposable
{
    private readonly DigestAuthenticator authenticator = new(engine.Time, new DigestAuthenticatorOptions { OfferSha256 = engine.Options.DigestSha256 });
    private ITimer? keepAliveTimer;

    public void Start()
    {
        if (engine.Options.KeepAliveSeconds > 0)
        {
            var period = TimeSpan.FromSeconds(engine.Options.KeepAliveSeconds);
            keepAliveTimer = engine.Time.CreateTimer(static state => ((SipRegistrar)state!).SendKeepAlives(), this, period, period);
        }
    }

    public void OnRegister(ServerTransaction transaction) => _ = HandleAsync(transaction);

    private async Task HandleAsync(ServerTransaction transaction)
    {
        var request = transaction.Request;
        try
        {
            var response = await ProcessAsync(request, transaction).ConfigureAwait(false);
            transaction.Respond(response);
        }
        catch (SipParseException exception)
        {
            var bad = request.CreateResponse(400);
            bad.Headers.Add("Warning", $"399 lawline \"{exception.Message.Replace("\"", "'", StringComparison.Ordinal)}\"");
            transaction.Respond(bad);
        }
    }

    private async Task<SipResponse> ProcessAsync(SipRequest request, ServerTransaction transaction)
    {
        var tag = SipTransactionLayer.RandomToken(6);
        var addressOfRecord = request.To.Uri;
        if (!addressOfRecord.IsSip || addressOfRecord.User is null)
        {
            return request.CreateResponse(404, "Not Found", tag);
        }

        var user = LocationService.KeyFor(addressOfRecord);
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization is null)
        {
            return Challenge(request, tag, stale: false);
        }

        var verdict = await authenticator.VerifyAsync(request, engine.Options.Realm, engine.Credentials, CancellationToken.None).ConfigureAwait(false);
        switch (verdict.Outcome)
        {
            case DigestOutcome.StaleNonce:
                return Challenge(request, tag, stale: true);
            case DigestOutcome.Missing or DigestOutcome.InvalidNonce:
                // Credentials for another realm, or a nonce from before a restart: challenge afresh.
                return Challenge(request, tag, stale: false);
            case DigestOutcome.Malformed:
                return request.CreateResponse(400, "Bad Authorization", tag);
            case DigestOutcome.Ok when !string.Equals(verdict.Credentials?.Username, user, StringComparison.OrdinalIgnoreCase):
                // Authenticated, but for another account: a phone may only register its own address of record.
                Log.WrongAccount(logger, verdict.Credentials?.Username ?? "", user, transaction.Source.ToString());
                return request.CreateResponse(403, "Forbidden", tag);
            case DigestOutcome.Ok:
                break;
            default:
                Log.Refused(logger, user, transaction.Source.ToString(), verdict.Outcome.ToString());
                return request.CreateResponse(403, "Forbidden", tag);
        }

        var contacts = request.Contacts;
        var headerExpires = request.Expires;
        var locations = engine.Locations;
        if (contacts.Any(contact => contact.IsWildcard))
        {
            // §10.3 step 6: "Contact: *" is allowed only alone and with Expires: 0; it removes every binding.
            if (contacts.Count != 1 || headerExpires != 0)
            {
                return request.CreateResponse(400, "Invalid Wildcard", tag);
            }

            locations.RemoveAll(user);
            return Ok(request, tag, user);
        }

        var callId = request.CallId;
        var cseq = request.CSeq.Number;
        var now = engine.Time.GetUtcNow();
        foreach (var contact in contacts)
        {
            var requested = int.TryParse(contact.Parameters["expires"], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : headerExpires ?? engine.Options.DefaultRegisterExpires;
            if (requested > 0 && requested < engine.Options.MinRegisterExpires)
            {
                var tooBrief = request.CreateResponse(423, null, tag);
                tooBrief.Headers.Add(HeaderNames.MinExpires, engine.Options.MinRegisterExpires.ToString(CultureInfo.InvariantCulture));
                return tooBrief;
            }

            if (locations.IsOutOfOrder(user, contact.Uri, callId, cseq))
            {
                continue;
            }

            var granted = Math.Min(requested, engine.Options.MaxRegisterExpires);
            var binding = new Binding(
                addressOfRecord.ToAddressOfRecord(),
                contact.Uri,
                transaction.Source,
                callId,
                cseq,
                now,
                now,
                request.Headers[HeaderNames.UserAgent]);
            locations.Update(user, binding, TimeSpan.FromSeconds(granted));
            Log.Registered(logger, user, contact.Uri.ToString(), transaction.Source.ToString(), granted);
        }

        return Ok(request, tag, user);
    }

    private SipResponse Challenge(SipRequest request, string tag, bool stale)
    {
        var response = request.CreateResponse(401, null, tag);
        foreach (var challenge in authenticator.CreateChallenges(engine.Options.Realm, stale))
        {
            response.Headers.Add(HeaderNames.WwwAuthenticate, challenge);
        }

        return response;
    }

    /// <summary>§10.3 step 8: the 200 lists every current binding with its remaining lifetime.</summary>
    private SipResponse Ok(SipRequest request, string tag, string user)
    {
        var response = request.CreateResponse(200, null, tag);
        var now = engine.Time.GetUtcNow();
        foreach (var binding in engine.Locations.Lookup(user))
        {
            var remaining = Math.Max(0, (int)Math.Ceiling((binding.ExpiresAt - now).TotalSeconds));
            response.Headers.Add(HeaderNames.Contact, $"<{binding.Contact}>;expires={remaining.ToString(CultureInfo.InvariantCulture)}");
        }

        response.Headers.Add("Date", now.ToString("r", CultureInfo.InvariantCulture));
        return response;
    }

    private void SendKeepAlives()
    {
        foreach (var binding in engine.Locations.All())
        {
            _ = KeepAliveAsync(binding);
        }
    }

    private async Task KeepAliveAsync(Binding binding)
    {
        var transactions = engine.Transactions;
        var options = new SipRequest(SipMethods.Options, binding.Contact.Clone());
        options.Headers.Add(HeaderNames.Via, transactions.CreateVia(SipTransactionLayer.NewBranch()));
        options.Headers.Add(HeaderNames.MaxForwards, "70");
        options.Headers.Add(HeaderNames.From, $"<{engine.LocalContact()}>;tag={SipTransactionLayer.RandomToken(6)}");
        options.Headers.Add(HeaderNames.To, $"<{binding.AddressOfRecord}>");
        options.Headers.Add(HeaderNames.CallId, $"{SipTransactionLayer.RandomToken(10)}@{engine.Transport.ViaHost}");
        options.Headers.Add(HeaderNames.CSeq, new CSeqHeader(1, SipMethods.Options).ToString());
        options.Headers.Add(HeaderNames.UserAgent, engine.Options.UserAgent);
        var response = await transactions.SendRequest(options, binding.Source).FinalResponse.ConfigureAwait(false);
        // Any answer means the phone is there (many phones answer OPTIONS 200, some 404 or 405); only silence
        // (our synthetic 408) or an ICMP error (503) counts as a failure.
        var reachable = response.Headers["X-Lawline-Local"] is null;
        engine.Locations.KeepAliveResult(binding, reachable, engine.Options.KeepAliveMaxFailures);
    }

    public void Dispose() => keepAliveTimer?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Information, "Registered {User} at {Contact} from {Source} for {Seconds} s")]
        public static partial void Registered(ILogger logger, string user, string contact, string source, int seconds);

        [LoggerMessage(3002, LogLevel.Warning, "Registration of {User} from {Source} refused: {Outcome}")]
        public static partial void Refused(ILogger logger, string user, string source, string outcome);

        [LoggerMessage(3003, LogLevel.Warning, "{Username} tried to register {User} from {Source}")]
        public static partial void WrongAccount(ILogger logger, string username, string user, string source);
    }
}
