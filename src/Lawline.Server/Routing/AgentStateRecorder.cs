using System.Threading.Channels;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Routing;

/// <summary>
/// Writes every <see cref="AgentStateChanged"/> the router publishes as an <see cref="AgentStateLog"/> row, from which
/// attendance, occupancy and not-ready time are computed. The notifier's handler only notes the agent's platform and
/// puts the change in a channel: the pump that also feeds the call flow never waits for the database. This service
/// writes whatever has gathered meanwhile in one transaction, acting as the system, and when the host stops it writes
/// what is still buffered.
/// </summary>
public sealed partial class AgentStateRecorder(
    RoutingNotifier notifier,
    CallRouter router,
    IServiceScopeFactory scopes,
    ILogger<AgentStateRecorder> logger) : BackgroundService
{
    /// <summary>The most rows written in one transaction; a longer backlog is written in several.</summary>
    internal const int MaxBatch = 500;

    private readonly Channel<Pending> buffer = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    // The platform of every agent a configuration has named, kept after they leave it: an agent removed while on a
    // call still changes state (offline after wrap-up), and the pump may deliver a change after the next Configure.
    // Touched only by the notifier's handler, which the pump calls one event at a time.
    private readonly Dictionary<AgentId, PlatformId> platformOf = [];
    private RoutingConfiguration? indexed;
    private IDisposable? subscription;

    private readonly record struct Pending(AgentStateChanged Change, PlatformId Platform);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Hosted services start in registration order and this one is registered before the event pump, so the
        // subscription is in place before the first event is published.
        subscription = notifier.Subscribe(OnRoutingEventAsync);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The pump was registered after this service and so has stopped already: nothing more is coming.
        subscription?.Dispose();
        await base.StopAsync(cancellationToken);
        buffer.Writer.TryComplete();
        while (await WriteBatchAsync(cancellationToken))
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await buffer.Reader.WaitToReadAsync(stoppingToken))
            {
                // Not cancelled by the stop: a batch taken from the buffer is written, or it would be lost.
                await WriteBatchAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private Task OnRoutingEventAsync(RoutingEvent routingEvent)
    {
        if (routingEvent is not AgentStateChanged change)
        {
            return Task.CompletedTask;
        }

        var configuration = router.Configuration;
        if (!ReferenceEquals(configuration, indexed))
        {
            foreach (var agent in configuration.Agents)
            {
                platformOf[agent.AgentId] = agent.PlatformId;
            }

            indexed = configuration;
        }

        if (platformOf.TryGetValue(change.AgentId, out var platform))
        {
            buffer.Writer.TryWrite(new Pending(change, platform));
        }
        else
        {
            Log.UnknownAgent(logger, change.AgentId, change.To);
        }

        return Task.CompletedTask;
    }

    /// <summary>Writes up to <see cref="MaxBatch"/> buffered changes; false when the buffer was empty.</summary>
    private async Task<bool> WriteBatchAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Pending>();
        while (batch.Count < MaxBatch && buffer.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }

        if (batch.Count == 0)
        {
            return false;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("agent-state");
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

            // A row must name an agent and a platform the database has (foreign keys): one change the database does
            // not know (a configuration made up by hand, an agent deleted since) must not cost the batch.
            var agentIds = batch.Select(p => p.Change.AgentId.Value).Distinct().ToList();
            var platformIds = batch.Select(p => p.Platform.Value).Distinct().ToList();
            var knownAgents = (await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).Select(a => a.Id)
                .ToListAsync(cancellationToken)).ToHashSet();
            var knownPlatforms = (await db.Platforms.AsNoTracking().Where(p => platformIds.Contains(p.Id)).Select(p => p.Id)
                .ToListAsync(cancellationToken)).ToHashSet();

            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            foreach (var (change, platform) in batch)
            {
                if (!knownAgents.Contains(change.AgentId.Value) || !knownPlatforms.Contains(platform.Value))
                {
                    Log.NotInDatabase(logger, change.AgentId, platform, change.To);
                    continue;
                }

                db.AgentStateLogs.Add(new AgentStateLog
                {
                    PlatformId = platform.Value,
                    AgentId = change.AgentId.Value,
                    From = change.From,
                    To = change.To,
                    Reason = change.Reason,
                    CallId = change.Call?.Value is { Length: > 40 } id ? id[..40] : change.Call?.Value,
                    At = change.At,
                });
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A failing database must not stop the host (an exception leaving a BackgroundService does); the
            // attendance figures of these minutes will have a gap, which the error says.
            Log.WriteFailed(logger, exception, batch.Count, batch[0].Change.At, batch[^1].Change.At);
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(7201, LogLevel.Warning, "Agent {AgentId} changed to {State} but is in no routing configuration: not logged")]
        public static partial void UnknownAgent(ILogger logger, AgentId agentId, AgentState state);

        [LoggerMessage(7202, LogLevel.Warning, "Agent {AgentId} (platform {PlatformId}) changed to {State} but the database has no such agent or platform: not logged")]
        public static partial void NotInDatabase(ILogger logger, AgentId agentId, PlatformId platformId, AgentState state);

        [LoggerMessage(7203, LogLevel.Error, "Could not write {Count} agent state changes ({First:O} to {Last:O}); they are lost")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count, DateTimeOffset first, DateTimeOffset last);
    }
}
