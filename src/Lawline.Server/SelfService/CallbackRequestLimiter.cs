using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Lawline.Server.SelfService;

/// <summary>
/// A sliding window per network address and per phone number, in memory: enough to stop one person (or a script)
/// filling the duty lawyers' queue with callback requests. Lost on restart and not shared between servers, which is
/// acceptable for a single-server installation; the limits are <see cref="SelfServiceOptions"/>.
/// </summary>
public sealed class CallbackRequestLimiter(IOptions<SelfServiceOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _requests = new(StringComparer.Ordinal);

    /// <summary>Records a request and returns true, or returns false (recording nothing) when either limit is reached.</summary>
    public bool TryAcquire(string? address, string phoneE164)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var byAddress = _requests.GetOrAdd("ip:" + (address ?? "unknown"), _ => new Queue<DateTimeOffset>());
        var byNumber = _requests.GetOrAdd("tel:" + phoneE164, _ => new Queue<DateTimeOffset>());
        // One lock order (address, then number) for every caller.
        lock (byAddress)
        {
            lock (byNumber)
            {
                Expire(byAddress, now - settings.Window);
                Expire(byNumber, now - settings.Window);
                if (byAddress.Count >= settings.RequestsPerAddress || byNumber.Count >= settings.RequestsPerNumber)
                {
                    return false;
                }
                byAddress.Enqueue(now);
                byNumber.Enqueue(now);
                return true;
            }
        }
    }

    private static void Expire(Queue<DateTimeOffset> requests, DateTimeOffset before)
    {
        while (requests.Count > 0 && requests.Peek() <= before)
        {
            requests.Dequeue();
        }
    }
}

/// <summary>Too many callback requests from one address or number; maps to 429.</summary>
public sealed class TooManyRequestsException(string message) : Exception(message);
