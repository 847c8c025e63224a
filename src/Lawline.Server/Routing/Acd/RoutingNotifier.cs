using Lawline.Server.Common;

namespace Lawline.Server.Routing;

/// <summary>
/// The router's decisions and state changes for everyone in the process who acts on or shows them: the call flow
/// (offers), the agent state log, the desktop and the wallboard. <see cref="CallRouter.Events"/> has one reader,
/// <see cref="RoutingEventPump"/>, which publishes here in order.
/// </summary>
public sealed class RoutingNotifier(ILogger<RoutingNotifier> logger) : Notifier<RoutingEvent>(logger);

/// <summary>Reads the router's event channel, whether or not telephony is enabled, and publishes every event.</summary>
public sealed class RoutingEventPump(CallRouter router, RoutingNotifier notifier) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var routingEvent in router.Events.ReadAllAsync(stoppingToken))
            {
                await notifier.PublishAsync(routingEvent);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
