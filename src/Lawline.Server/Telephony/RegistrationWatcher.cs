using Lawline.Server.Common;
using Lawline.Sip.Registrar;

namespace Lawline.Server.Telephony;

/// <summary>
/// A phone came online, refreshed, went offline or became unreachable. <see cref="AccountId"/> and
/// <see cref="AgentId"/> are null when the account was disabled or deleted since.
/// </summary>
public sealed record SipRegistrationChanged(
    string Username,
    int? AccountId,
    int? PlatformId,
    int? AgentId,
    RegistrationChange Change,
    string Source,
    string? UserAgent,
    int DevicesRegistered,
    DateTimeOffset At);

/// <summary>
/// In-process notifications of registration changes, for whatever shows or uses who is reachable (agent
/// presence, the SIP accounts page). Subscriptions are disposable; a failing subscriber does not stop the others.
/// <code>
/// using var subscription = notifier.Subscribe(change => InvokeAsync(() => Refresh(change)));
/// </code>
/// </summary>
public sealed class RegistrationNotifier(ILogger<RegistrationNotifier> logger) : Notifier<SipRegistrationChanged>(logger);

/// <summary>Reads the engine's registration changes, logs them, and passes them on to <see cref="RegistrationNotifier"/>.</summary>
public sealed partial class RegistrationWatcher(
    SipEngineHost host,
    SipCredentialStore accounts,
    RegistrationNotifier notifier,
    ILogger<RegistrationWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (host.Engine is not { } engine)
        {
            return;
        }
        try
        {
            await foreach (var change in engine.Locations.Changes.ReadAllAsync(stoppingToken))
            {
                var binding = change.Binding;
                var source = binding.Source.ToString();
                var account = await accounts.FindAccountAsync(change.User, stoppingToken);
                var devices = engine.Locations.Lookup(change.User).Count;
                if (change.Change == RegistrationChange.Refreshed)
                {
                    Log.Refreshed(logger, change.User, source);
                }
                else
                {
                    Log.Changed(logger, change.User, change.Change, source, binding.UserAgent ?? "?", devices);
                }
                await notifier.PublishAsync(new SipRegistrationChanged(change.User, account?.Id, account?.PlatformId, account?.AgentId,
                    change.Change, source, binding.UserAgent, devices, change.At));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5301, LogLevel.Information, "SIP {Username}: {Change} from {Source} ({UserAgent}); {Devices} device(s) registered")]
        public static partial void Changed(ILogger logger, string username, RegistrationChange change, string source, string userAgent, int devices);

        [LoggerMessage(5302, LogLevel.Debug, "SIP {Username}: registration refreshed from {Source}")]
        public static partial void Refreshed(ILogger logger, string username, string source);
    }
}
