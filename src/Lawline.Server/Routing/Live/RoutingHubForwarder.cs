using System.Collections.Frozen;
using System.Threading.Channels;
using Lawline.Server.Common;
using Microsoft.AspNetCore.SignalR;

namespace Lawline.Server.Routing.Live;

/// <summary>
/// Sends the router's events and agents' calls to the <see cref="RoutingHub"/> groups concerned. The notifiers'
/// handlers must be quick (they run on the router's event pump), so a handler only maps the event and writes it to a
/// bounded channel; one sender task delivers to the hub. When outside clients cannot keep up and the channel is full,
/// messages are dropped (and logged) rather than slowing the router down.
/// </summary>
internal sealed partial class RoutingHubForwarder(
    RoutingNotifier routing,
    CallNotifier calls,
    CallRouter router,
    IHubContext<RoutingHub> hub,
    ILogger<RoutingHubForwarder> logger) : BackgroundService
{
    public const int Capacity = 10_000;

    private readonly Channel<Outgoing> outgoing = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private volatile Platforms platforms = Platforms.Of(RoutingConfiguration.Empty);
    private long dropped;

    private sealed record Outgoing(IReadOnlyList<string> Groups, string Method, object Message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var routingSubscription = routing.Subscribe(OnRoutingEvent);
        using var callSubscription = calls.Subscribe(OnCallEvent);
        try
        {
            await foreach (var message in outgoing.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await hub.Clients.Groups(message.Groups).SendAsync(message.Method, message.Message, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.SendFailed(logger, exception, message.Method);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private Task OnRoutingEvent(RoutingEvent routingEvent)
    {
        var message = routingEvent switch
        {
            AgentStateChanged e => AgentState(e),
            CallQueued e => Queue(new QueueMessage("queued", e.QueueId.Value, PlatformOf(e.QueueId), e.CallId.Value, e.Position, null, null, null, e.At)),
            CallLeftQueue e => Queue(new QueueMessage("left", e.QueueId.Value, PlatformOf(e.QueueId), e.CallId.Value, null, e.Exit.ToString(), e.Waited.TotalSeconds, null, e.At)),
            CallbackScheduled e => Queue(new QueueMessage("callbackScheduled", e.QueueId.Value, PlatformOf(e.QueueId), e.CallId.Value, null, null, null, PhoneNumberFormatter.Mask(e.CallerNumber), e.At)),
            CallbackExpired e => Queue(new QueueMessage("callbackExpired", e.QueueId.Value, PlatformOf(e.QueueId), e.CallId.Value, null, e.Reason.ToString(), null, PhoneNumberFormatter.Mask(e.CallerNumber), e.At)),
            // Offers, announcements and retries are the call flow's business; the state and call messages show their effect.
            _ => null,
        };
        if (message is not null)
        {
            Enqueue(message);
        }
        return Task.CompletedTask;
    }

    private Task OnCallEvent(AgentCallEvent e)
    {
        Enqueue(new Outgoing(
            [RoutingHub.PlatformGroup(e.PlatformId), RoutingHub.AllPlatformsGroup, RoutingHub.AgentGroup(e.AgentId.Value)],
            "call",
            new CallMessage(e.Stage.ToString(), e.AgentId.Value, e.CallRecordId, e.PlatformId, PhoneNumberFormatter.Mask(e.CallerNumber), e.SkillCode, e.IsCallback, e.At)));
        return Task.CompletedTask;
    }

    private Outgoing AgentState(AgentStateChanged e)
    {
        var platform = Current.Agents.TryGetValue(e.AgentId, out var id) ? id.Value : (int?)null;
        List<string> groups = [RoutingHub.AllPlatformsGroup, RoutingHub.AgentGroup(e.AgentId.Value)];
        if (platform is { } known)
        {
            groups.Add(RoutingHub.PlatformGroup(known));
        }
        return new Outgoing(groups, "agentState",
            new AgentStateMessage(e.AgentId.Value, platform, e.From.ToString(), e.To.ToString(), e.Reason?.ToString(), e.Call?.Value, e.At));
    }

    private static Outgoing Queue(QueueMessage message) => new(
        message.PlatformId is { } platform ? [RoutingHub.PlatformGroup(platform), RoutingHub.AllPlatformsGroup] : [RoutingHub.AllPlatformsGroup],
        "queue",
        message);

    private int? PlatformOf(QueueId queue) => Current.Queues.TryGetValue(queue, out var platform) ? platform.Value : null;

    private void Enqueue(Outgoing message)
    {
        if (!outgoing.Writer.TryWrite(message))
        {
            var count = Interlocked.Increment(ref dropped);
            // One warning per thousand drops: a stalled client must not flood the log either.
            if (count % 1000 == 1)
            {
                Log.Dropped(logger, count, Capacity);
            }
        }
    }

    /// <summary>Where agents and queues belong, from the router's current configuration (rebuilt when it changes).</summary>
    private Platforms Current
    {
        get
        {
            var configuration = router.Configuration;
            var known = platforms;
            if (!ReferenceEquals(known.Configuration, configuration))
            {
                known = platforms = Platforms.Of(configuration);
            }
            return known;
        }
    }

    private sealed record Platforms(
        RoutingConfiguration Configuration,
        FrozenDictionary<AgentId, PlatformId> Agents,
        FrozenDictionary<QueueId, PlatformId> Queues)
    {
        public static Platforms Of(RoutingConfiguration configuration) => new(
            configuration,
            configuration.Agents.DistinctBy(a => a.AgentId).ToFrozenDictionary(a => a.AgentId, a => a.PlatformId),
            configuration.Queues.DistinctBy(q => q.QueueId).ToFrozenDictionary(q => q.QueueId, q => q.PlatformId));
    }

    private static partial class Log
    {
        [LoggerMessage(5401, LogLevel.Warning, "Routing hub: {Count} messages dropped so far, the send queue ({Capacity}) is full; outside clients are not keeping up")]
        public static partial void Dropped(ILogger logger, long count, int capacity);

        [LoggerMessage(5402, LogLevel.Warning, "Routing hub: sending {Method} failed")]
        public static partial void SendFailed(ILogger logger, Exception exception, string method);
    }
}
