using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.Channels;
using Lawline.Sip.Auth;
using Lawline.Sip.Calls;
using Lawline.Sip.Messages;
using Lawline.Sip.Registrar;
using Lawline.Sip.Transactions;
using Lawline.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip;

/// <summary>
/// The telephony engine: UDP transport, transactions, the registrar for agents' phones, and a back-to-back
/// user agent whose legs are driven through <see cref="ICallControl"/>. One instance per host.
/// </summary>
public sealed partial class SipEngine : ISipTransactionUser, ICallControl, IAsyncDisposable
{
    internal const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, REFER, NOTIFY, INFO, UPDATE";
    internal const string SupportedExtensions = "timer, replaces, norefersub";

    private static readonly Meter Meter = new("Lawline.Sip");
    private static readonly Counter<long> CallsStarted = Meter.CreateCounter<long>("lawline.sip.calls", description: "Call legs created (inbound and outbound)");
    private static readonly Histogram<double> SetupTime = Meter.CreateHistogram<double>("lawline.sip.call_setup", unit: "ms", description: "From INVITE to answer, outbound legs");

    private readonly ILogger<SipEngine> logger;
    private readonly ILoggerFactory loggers;
    private readonly Channel<CallEvent> events = Channel.CreateBounded<CallEvent>(
        // A host that stops reading must not grow memory without bound; 100k events is minutes of a full platform.
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = false });
    private readonly ConcurrentDictionary<string, CallLeg> legs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallLeg> legsByDialog = new(StringComparer.Ordinal);
    private SipUdpTransport? transport;
    private SipTransactionLayer? transactions;
    private MediaHost? media;
    private SipRegistrar? registrar;
    private TrunkRegistrations? trunkRegistrations;
    private int disposed;

    public SipEngine(SipEngineOptions options, IDigestCredentialStore credentials, TimeProvider time, ILoggerFactory loggers)
    {
        Options = options;
        Credentials = credentials;
        Time = time;
        this.loggers = loggers;
        logger = loggers.CreateLogger<SipEngine>();
        Locations = new LocationService(time);
        Meter.CreateObservableGauge("lawline.sip.active_legs", () => legs.Count, description: "Call legs in progress");
    }

    public SipEngineOptions Options { get; }

    public TimeProvider Time { get; }

    internal IDigestCredentialStore Credentials { get; }

    public LocationService Locations { get; }

    /// <summary>The call-control API (the engine itself; the property reads better at call sites).</summary>
    public ICallControl Calls => this;

    /// <summary>The bound SIP address (after start; the port is the real one when 0 was configured).</summary>
    public IPEndPoint LocalEndPoint => Transport.LocalEndPoint;

    public IPAddress AdvertisedAddress => Transport.AdvertisedAddress;

    public int ActiveLegCount => legs.Count;

    /// <summary>Trunks with a current registration (<see cref="SipTrunkOptions.Register"/>), by name, and until when.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> TrunkRegistrations =>
        trunkRegistrations?.RegisteredUntil ?? new Dictionary<string, DateTimeOffset>();

    internal SipUdpTransport Transport => transport ?? throw new InvalidOperationException("The SIP engine is not started.");

    internal SipTransactionLayer Transactions => transactions ?? throw new InvalidOperationException("The SIP engine is not started.");

    internal MediaHost Media => media ?? throw new InvalidOperationException("The SIP engine is not started.");

    internal ChannelWriter<CallEvent> EventWriter => events.Writer;

    public ChannelReader<CallEvent> Events => events.Reader;

    /// <summary>Our Contact for dialogs and registrations.</summary>
    internal SipUri LocalContact(string? user = "lawline") => SipUri.Create(user, Transport.ViaHost, Transport.Port);

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        var bind = new IPEndPoint(IPAddress.Parse(Options.Address), Options.Port);
        var advertised = string.IsNullOrWhiteSpace(Options.AdvertisedAddress) ? null : IPAddress.Parse(Options.AdvertisedAddress);
        transport = new SipUdpTransport(bind, advertised, loggers.CreateLogger<SipUdpTransport>());
        transactions = new SipTransactionLayer(transport, Time, Options.Timers, loggers.CreateLogger<SipTransactionLayer>());
        media = new MediaHost(this, loggers);
        registrar = new SipRegistrar(this, loggers.CreateLogger<SipRegistrar>());
        trunkRegistrations = new TrunkRegistrations(this, loggers.CreateLogger<TrunkRegistrations>());
        transactions.Start(this);
        registrar.Start();
        trunkRegistrations.Start();
        Log.Started(logger, transport.LocalEndPoint, transport.AdvertisedAddress, Options.RtpPortMin, Options.RtpPortMax);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        // A host may stop the engine and later dispose its container, which disposes it again.
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        foreach (var leg in legs.Values)
        {
            try
            {
                await HangupAsync(leg.Id, HangupCause.Normal).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
            }
        }

        if (trunkRegistrations is not null)
        {
            await trunkRegistrations.DisposeAsync().ConfigureAwait(false);
        }

        registrar?.Dispose();
        transactions?.AbortAll();
        if (transport is not null)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }

        if (media is not null)
        {
            await media.DisposeAsync().ConfigureAwait(false);
        }

        events.Writer.TryComplete();
    }

    void ISipTransactionUser.OnRequest(ServerTransaction transaction)
    {
        var request = transaction.Request;
        if (SipRequestChecks.Check(request, SupportedExtensionSet) is { } rejection)
        {
            var response = request.CreateResponse(rejection.StatusCode, rejection.ReasonPhrase, SipTransactionLayer.RandomToken(6));
            if (rejection.Unsupported.Count > 0)
            {
                response.Headers.Add(HeaderNames.Unsupported, string.Join(", ", rejection.Unsupported));
            }

            if (rejection.StatusCode == 416 || rejection.StatusCode == 400)
            {
                response.Headers.Add("Warning", $"399 lawline \"{rejection.Detail.Replace("\"", "'", StringComparison.Ordinal)}\"");
            }

            transaction.Respond(response);
            return;
        }

        if (request.To.Tag is not null)
        {
            OnInDialogRequest(transaction);
            return;
        }

        switch (request.Method)
        {
            case SipMethods.Invite:
                OnInitialInvite(transaction);
                break;
            case SipMethods.Register:
                registrar!.OnRegister(transaction);
                break;
            case SipMethods.Options:
                // The engine answers OPTIONS with 200 whenever it is up (monitoring and trunk keep-alives).
                transaction.Respond(WithCapabilities(request.CreateResponse(200, null, SipTransactionLayer.RandomToken(6))));
                break;
            case SipMethods.Bye or SipMethods.Refer or SipMethods.Update or SipMethods.Info or SipMethods.Notify or SipMethods.Prack:
                transaction.Respond(request.CreateResponse(481));
                break;
            case SipMethods.Subscribe:
                transaction.Respond(request.CreateResponse(489));
                break;
            default:
                var notAllowed = request.CreateResponse(405);
                notAllowed.Headers.Add(HeaderNames.Allow, AllowedMethods);
                transaction.Respond(notAllowed);
                break;
        }
    }

    internal static readonly IReadOnlySet<string> SupportedExtensionSet =
        new HashSet<string>(["timer", "replaces", "norefersub"], StringComparer.OrdinalIgnoreCase);

    internal SipResponse WithCapabilities(SipResponse response)
    {
        response.Headers.Add(HeaderNames.Allow, AllowedMethods);
        response.Headers.Add(HeaderNames.Supported, SupportedExtensions);
        response.Headers.Add(HeaderNames.Accept, "application/sdp");
        response.Headers.Add(HeaderNames.Server, Options.UserAgent);
        return response;
    }

    void ISipTransactionUser.OnAck(SipRequest ack, IPEndPoint source)
    {
        if (FindLeg(ack, incomingRequest: true) is { } leg)
        {
            OnAckForLeg(leg, ack);
        }
    }

    void ISipTransactionUser.OnStrayResponse(SipResponse response, IPEndPoint source)
    {
        // RFC 6026 §7.2: a 2xx to our INVITE retransmitted after the transaction ended is ACKed again by the
        // dialog (the peer never got our ACK).
        if (response.IsSuccess && response.CSeq.Method == SipMethods.Invite && FindLeg(response, incomingRequest: false) is { LastAck: { } ack } leg)
        {
            Transactions.SendAck(ack, leg.Peer);
        }
    }

    internal CallLeg? FindLeg(SipMessage message, bool incomingRequest)
    {
        var localTag = incomingRequest ? message.To.Tag : message.From.Tag;
        return localTag is not null && legsByDialog.TryGetValue(DialogKey(message.CallId, localTag), out var leg) ? leg : null;
    }

    internal CallLeg? FindLeg(CallLegId id) => legs.TryGetValue(id.Value, out var leg) ? leg : null;

    internal CallLeg RequireLeg(CallLegId id) =>
        FindLeg(id) ?? throw new InvalidOperationException($"Call leg {id} does not exist or has ended.");

    internal IEnumerable<CallLeg> AllLegs => legs.Values;

    private static string DialogKey(string callId, string localTag) => string.Concat(callId, "|", localTag);

    internal void AddLeg(CallLeg leg)
    {
        legs[leg.Id.Value] = leg;
        legsByDialog[DialogKey(leg.Dialog.CallId, leg.Dialog.LocalTag)] = leg;
        CallsStarted.Add(1, new KeyValuePair<string, object?>("direction", leg.Direction == LegDirection.Inbound ? "inbound" : "outbound"));
    }

    internal void RemoveLeg(CallLeg leg)
    {
        legs.TryRemove(leg.Id.Value, out _);
        legsByDialog.TryRemove(DialogKey(leg.Dialog.CallId, leg.Dialog.LocalTag), out _);
    }

    internal void RecordSetupTime(TimeSpan elapsed) => SetupTime.Record(elapsed.TotalMilliseconds);

    internal void Publish(CallEvent callEvent) => events.Writer.TryWrite(callEvent);

    internal static CallLegId NewLegId() => new(SipTransactionLayer.RandomToken(8));

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Information, "SIP engine listening on udp {EndPoint}, advertising {Advertised}, RTP ports {RtpMin}-{RtpMax}")]
        public static partial void Started(ILogger logger, IPEndPoint endPoint, IPAddress advertised, int rtpMin, int rtpMax);

        [LoggerMessage(2002, LogLevel.Information, "Call leg {Leg} offered from {Caller} to {Dialed} (Call-ID {CallId})")]
        public static partial void Offered(ILogger logger, CallLegId leg, string caller, string dialed, string callId);

        [LoggerMessage(2003, LogLevel.Information, "Call leg {Leg} ended: {Cause} ({Status}), by remote {ByRemote}")]
        public static partial void Ended(ILogger logger, CallLegId leg, HangupCause cause, int status, bool byRemote);

        [LoggerMessage(2004, LogLevel.Warning, "Call leg {Leg}: {Problem}")]
        public static partial void LegProblem(ILogger logger, CallLegId leg, string problem);

        [LoggerMessage(2005, LogLevel.Information, "Call leg {Leg} answered")]
        public static partial void Answered(ILogger logger, CallLegId leg);

        [LoggerMessage(2006, LogLevel.Information, "Call leg {Leg}: transfer of {Partner} to {Target} requested by the phone")]
        public static partial void TransferRequested(ILogger logger, CallLegId leg, CallLegId? partner, string target);

        [LoggerMessage(2007, LogLevel.Debug, "Call leg {Leg}: hold {OnHold}")]
        public static partial void Hold(ILogger logger, CallLegId leg, bool onHold);
    }
}
