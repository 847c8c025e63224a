using System.Globalization;
using System.Net;
using Lawline.Sip.Auth;
using Lawline.Sip.Messages;
using Lawline.Sip.Transactions;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Registrar;

/// <summary>
/// Keeps the engine registered with trunks that require it (carrier "registration mode"): REGISTER with digest,
/// refreshed before expiry, retried after failures.
/// </summary>
internal sealed partial class TrunkRegistrations(SipEngine engine, ILogger<TrunkRegistrations> logger) : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];

    /// <summary>The trunks currently registered, by name (for health pages).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> RegisteredUntil => registeredUntil;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> registeredUntil = new(StringComparer.OrdinalIgnoreCase);

    public void Start()
    {
        foreach (var trunk in engine.Options.Trunks.Where(t => t.Register))
        {
            loops.Add(Task.Run(() => RegisterLoopAsync(trunk, stopping.Token)));
        }
    }

    private async Task RegisterLoopAsync(SipTrunkOptions trunk, CancellationToken cancellationToken)
    {
        var callId = $"{SipTransactionLayer.RandomToken(10)}@{engine.Transport.ViaHost}";
        var fromTag = SipTransactionLayer.RandomToken(6);
        uint cseq = 1;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan next;
            try
            {
                var (granted, sequence) = await RegisterOnceAsync(trunk, callId, fromTag, cseq).ConfigureAwait(false);
                cseq = sequence + 1;
                if (granted is { } seconds)
                {
                    registeredUntil[trunk.Name] = engine.Time.GetUtcNow().AddSeconds(seconds);
                    Log.Registered(logger, trunk.Name, seconds);
                    // Refresh well before expiry (at 80 %, at least 5 s ahead).
                    next = TimeSpan.FromSeconds(Math.Max(5, Math.Min(seconds * 0.8, seconds - 5)));
                }
                else
                {
                    registeredUntil.TryRemove(trunk.Name, out _);
                    next = RetryDelay;
                }
            }
            catch (Exception exception) when (exception is SipParseException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                Log.Failed(logger, trunk.Name, exception.Message);
                next = RetryDelay;
            }

            try
            {
                await Task.Delay(next, engine.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<(int? Granted, uint Sequence)> RegisterOnceAsync(SipTrunkOptions trunk, string callId, string fromTag, uint cseq)
    {
        var domain = string.IsNullOrWhiteSpace(trunk.Domain) ? trunk.Host : trunk.Domain;
        var aor = SipUri.Create(trunk.Username, domain);
        var destination = new IPEndPoint(Dns.GetHostAddresses(trunk.Host.Trim('[', ']')).First(), trunk.Port);
        SipResponse? challenge = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var register = new SipRequest(SipMethods.Register, SipUri.Create(null, domain, trunk.Port == 5060 ? null : trunk.Port));
            register.Headers.Add(HeaderNames.Via, engine.Transactions.CreateVia(SipTransactionLayer.NewBranch()));
            register.Headers.Add(HeaderNames.MaxForwards, "70");
            register.Headers.Add(HeaderNames.From, $"<{aor}>;tag={fromTag}");
            register.Headers.Add(HeaderNames.To, $"<{aor}>");
            register.Headers.Add(HeaderNames.CallId, callId);
            register.Headers.Add(HeaderNames.CSeq, new CSeqHeader(cseq, SipMethods.Register).ToString());
            register.Headers.Add(HeaderNames.Contact, $"<{engine.LocalContact(trunk.Username)}>");
            register.Headers.Add(HeaderNames.Expires, trunk.RegisterExpires.ToString(CultureInfo.InvariantCulture));
            register.Headers.Add(HeaderNames.UserAgent, engine.Options.UserAgent);
            if (challenge is not null && !DigestClient.Authorize(register, challenge, trunk.Username ?? "", trunk.Password ?? ""))
            {
                break;
            }

            var response = await engine.Transactions.SendRequest(register, destination).FinalResponse.ConfigureAwait(false);
            cseq++;
            if (response.IsSuccess)
            {
                var granted = response.Contacts
                    .Select(c => int.TryParse(c.Parameters["expires"], NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : (int?)null)
                    .FirstOrDefault(e => e is not null) ?? response.Expires ?? trunk.RegisterExpires;
                return (granted, cseq - 1);
            }

            if (response.StatusCode is 401 or 407 && attempt == 0 && !string.IsNullOrEmpty(trunk.Username))
            {
                challenge = response;
                continue;
            }

            Log.Failed(logger, trunk.Name, $"{response.StatusCode} {response.ReasonPhrase}");
            break;
        }

        return (null, cseq - 1);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(3101, LogLevel.Information, "Registered with trunk {Trunk} for {Seconds} s")]
        public static partial void Registered(ILogger logger, string trunk, int seconds);

        [LoggerMessage(3102, LogLevel.Warning, "Registration with trunk {Trunk} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string trunk, string reason);
    }
}
