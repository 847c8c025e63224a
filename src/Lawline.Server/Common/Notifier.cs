using System.Collections.Immutable;

namespace Lawline.Server.Common;

/// <summary>
/// In-process notifications with disposable subscriptions (style.md: eShop's notification service). Handlers run one
/// after another on the publisher's task and must be quick (hand slow work to a channel or <c>InvokeAsync</c>);
/// a failing handler is logged and does not stop the others.
/// <code>
/// using var subscription = notifier.Subscribe(change => InvokeAsync(() => Refresh(change)));
/// </code>
/// </summary>
public abstract partial class Notifier<T>(ILogger logger)
{
    private ImmutableArray<Func<T, Task>> subscribers = [];

    public IDisposable Subscribe(Func<T, Task> handler)
    {
        ImmutableInterlocked.Update(ref subscribers, list => list.Add(handler));
        return new Subscription(this, handler);
    }

    public async Task PublishAsync(T notification)
    {
        foreach (var handler in subscribers)
        {
            try
            {
                await handler(notification);
            }
            catch (Exception exception)
            {
                Log.SubscriberFailed(logger, exception, typeof(T).Name, notification);
            }
        }
    }

    private void Unsubscribe(Func<T, Task> handler)
        => ImmutableInterlocked.Update(ref subscribers, list => list.Remove(handler));

    private sealed class Subscription(Notifier<T> owner, Func<T, Task> handler) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1301, LogLevel.Warning, "A subscriber to {Kind} failed on {Notification}")]
        public static partial void SubscriberFailed(ILogger logger, Exception exception, string kind, object? notification);
    }
}
