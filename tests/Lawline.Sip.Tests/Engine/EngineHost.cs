using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Lawline.Sip.Auth;
using Lawline.Sip.Calls;
using Lawline.Sip.Tests.Peers;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Tests.Engine;

/// <summary>Agents' SIP accounts for tests: plaintext passwords, as a registrar's store would hand back HA1s.</summary>
internal sealed class TestAccounts : IDigestCredentialStore
{
    private readonly ConcurrentDictionary<string, string> passwords = new(StringComparer.OrdinalIgnoreCase);

    public TestAccounts Add(string user, string password)
    {
        passwords[user] = password;
        return this;
    }

    public ValueTask<DigestSecret?> FindAsync(string username, string realm, CancellationToken cancellationToken) =>
        ValueTask.FromResult(passwords.TryGetValue(username, out var password) ? DigestSecret.FromPassword(password) : null);
}

/// <summary>
/// A real engine on 127.0.0.1 with a free SIP port and its own RTP range, plus an event log that tests wait
/// on ("the caller's leg ended", "a digit arrived") instead of sleeping.
/// </summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private static int nextRtpBlock;
    private readonly List<CallEvent> seen = [];
    private readonly Lock gate = new();
    private readonly Channel<CallEvent> forHandler = Channel.CreateUnbounded<CallEvent>();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task pump;

    private EngineHost(SipEngine engine, TestAccounts accounts, string recordings)
    {
        Engine = engine;
        Accounts = accounts;
        Recordings = recordings;
        pump = Task.Run(PumpAsync);
    }

    public SipEngine Engine { get; }

    public ICallControl Calls => Engine.Calls;

    public TestAccounts Accounts { get; }

    public string Recordings { get; }

    public int Port => Engine.LocalEndPoint.Port;

    public string Address => $"127.0.0.1:{Port}";

    public static async Task<EngineHost> StartAsync(Action<SipEngineOptions>? configure = null, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        // Each engine gets its own 400-port RTP block so parallel tests never compete for ports.
        var block = Interlocked.Increment(ref nextRtpBlock);
        var basePort = 30000 + (Environment.ProcessId % 10 * 2400) + (block % 6 * 400);
        var options = new SipEngineOptions
        {
            Address = "127.0.0.1",
            Port = 0,
            RtpPortMin = basePort,
            RtpPortMax = basePort + 399,
            Realm = "lawline.test",
            KeepAliveSeconds = 0,
        };
        configure?.Invoke(options);
        var accounts = new TestAccounts();
        var recordings = Path.Combine(Path.GetTempPath(), "lawline-rec-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(recordings);
        var engine = new SipEngine(options, accounts, time ?? TimeProvider.System, loggers ?? LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)));
        await engine.StartAsync();
        return new EngineHost(engine, accounts, recordings);
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var callEvent in Engine.Events.ReadAllAsync(stopping.Token))
            {
                lock (gate)
                {
                    seen.Add(callEvent);
                }

                forHandler.Writer.TryWrite(callEvent);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public IReadOnlyList<CallEvent> Seen
    {
        get
        {
            lock (gate)
            {
                return [.. seen];
            }
        }
    }

    /// <summary>Waits for the first event (already seen or still to come) that matches.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : CallEvent
    {
        var deadline = TimeProvider.System.GetUtcNow().Ticks + (timeout ?? TimeSpan.FromSeconds(20)).Ticks;
        while (true)
        {
            lock (gate)
            {
                if (seen.OfType<T>().FirstOrDefault(e => match is null || match(e)) is { } found)
                {
                    return found;
                }
            }

            if (TimeProvider.System.GetUtcNow().Ticks > deadline)
            {
                throw new TimeoutException($"No {typeof(T).Name} within the timeout. Events so far:\n{string.Join("\n", Seen)}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Runs <paramref name="handler"/> for every offered call (the role routing plays in the server).</summary>
    public void OnOffered(Func<CallOffered, Task> handler) => _ = Task.Run(async () =>
    {
        await foreach (var callEvent in forHandler.Reader.ReadAllAsync(stopping.Token))
        {
            if (callEvent is CallOffered offered)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await handler(offered);
                    }
                    catch (Exception exception)
                    {
                        lock (gate)
                        {
                            HandlerErrors.Add(exception);
                        }
                    }
                });
            }
        }
    });

    public List<Exception> HandlerErrors { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await stopping.CancelAsync();
        try
        {
            await pump;
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            Directory.Delete(Recordings, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
