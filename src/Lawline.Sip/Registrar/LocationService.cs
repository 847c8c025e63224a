using System.Net;
using System.Threading.Channels;
using Lawline.Sip.Messages;

namespace Lawline.Sip.Registrar;

/// <summary>
/// One registered device of an agent (RFC 3261 §10.3). <see cref="Source"/> is where its REGISTER really came
/// from: calls go there, not to the Contact, which is often a private address behind NAT.
/// </summary>
public sealed record Binding(
    string AddressOfRecord,
    SipUri Contact,
    IPEndPoint Source,
    string CallId,
    uint CSeq,
    DateTimeOffset RegisteredAt,
    DateTimeOffset ExpiresAt,
    string? UserAgent)
{
    public int KeepAliveFailures { get; init; }
}

public enum RegistrationChange
{
    Registered,
    Refreshed,
    Unregistered,
    Expired,
    Unreachable,
}

public sealed record RegistrationEvent(string User, RegistrationChange Change, Binding Binding, DateTimeOffset At);

/// <summary>
/// The location service: bindings per address of record. The key is the AOR's user part (the engine is the
/// registrar of one domain), never the Contact's user — baresip registers agent1 with a Contact of
/// agent1-0x… — so several devices of one agent (desk phone and softphone) are bindings under one key.
/// </summary>
public sealed class LocationService(TimeProvider time)
{
    private readonly Dictionary<string, List<Binding>> bindings = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock gate = new();
    private readonly Channel<RegistrationEvent> changes = Channel.CreateBounded<RegistrationEvent>(
        // Refreshes arrive constantly; a host that stops reading must not make the registrar grow without bound.
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Registration changes for the host (agents' phones going on- and offline).</summary>
    public ChannelReader<RegistrationEvent> Changes => changes.Reader;

    public static string KeyFor(SipUri addressOfRecord) => addressOfRecord.User ?? addressOfRecord.Host;

    public IReadOnlyList<Binding> Lookup(string user)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!bindings.TryGetValue(user, out var list))
            {
                return [];
            }

            RemoveExpired(user, list, now);
            return [.. list];
        }
    }

    public IReadOnlyList<Binding> All()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            var result = new List<Binding>();
            foreach (var (user, list) in bindings.ToArray())
            {
                RemoveExpired(user, list, now);
                result.AddRange(list);
            }

            return result;
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return bindings.Values.Sum(list => list.Count);
            }
        }
    }

    /// <summary>Adds or refreshes a binding (same Contact URI), or removes it when <paramref name="expires"/> is zero.</summary>
    public void Update(string user, Binding binding, TimeSpan expires)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!bindings.TryGetValue(user, out var list))
            {
                list = [];
                bindings[user] = list;
            }

            var index = list.FindIndex(existing => SameContact(existing.Contact, binding.Contact));
            if (expires <= TimeSpan.Zero)
            {
                if (index >= 0)
                {
                    Publish(user, RegistrationChange.Unregistered, list[index], now);
                    list.RemoveAt(index);
                }

                return;
            }

            var updated = binding with { ExpiresAt = now + expires, KeepAliveFailures = 0 };
            if (index >= 0)
            {
                // §10.3 step 7: a binding updated by a request with another Call-ID replaces it too.
                updated = updated with { RegisteredAt = list[index].RegisteredAt };
                list[index] = updated;
                Publish(user, RegistrationChange.Refreshed, updated, now);
            }
            else
            {
                list.Add(updated);
                Publish(user, RegistrationChange.Registered, updated, now);
            }
        }
    }

    /// <summary>§10.3 step 6: an existing binding's Call-ID/CSeq orders updates from one device.</summary>
    public bool IsOutOfOrder(string user, SipUri contact, string callId, uint cseq)
    {
        lock (gate)
        {
            return bindings.TryGetValue(user, out var list)
                && list.Exists(existing => SameContact(existing.Contact, contact) && existing.CallId == callId && cseq <= existing.CSeq);
        }
    }

    public void RemoveAll(string user)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (bindings.Remove(user, out var list))
            {
                foreach (var binding in list)
                {
                    Publish(user, RegistrationChange.Unregistered, binding, now);
                }
            }
        }
    }

    /// <summary>Records a failed or successful keep-alive; after <paramref name="maxFailures"/> the binding is dropped.</summary>
    public void KeepAliveResult(Binding binding, bool reachable, int maxFailures)
    {
        var user = LocationService.KeyFromAor(binding.AddressOfRecord);
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!bindings.TryGetValue(user, out var list))
            {
                return;
            }

            var index = list.FindIndex(existing => SameContact(existing.Contact, binding.Contact));
            if (index < 0)
            {
                return;
            }

            if (reachable)
            {
                list[index] = list[index] with { KeepAliveFailures = 0 };
                return;
            }

            var failures = list[index].KeepAliveFailures + 1;
            if (failures >= maxFailures)
            {
                Publish(user, RegistrationChange.Unreachable, list[index], now);
                list.RemoveAt(index);
            }
            else
            {
                list[index] = list[index] with { KeepAliveFailures = failures };
            }
        }
    }

    internal static string KeyFromAor(string addressOfRecord) =>
        SipUri.TryParse(addressOfRecord, out var uri) ? KeyFor(uri!) : addressOfRecord;

    private void RemoveExpired(string user, List<Binding> list, DateTimeOffset now)
    {
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i].ExpiresAt <= now)
            {
                Publish(user, RegistrationChange.Expired, list[i], now);
                list.RemoveAt(i);
            }
        }
    }

    private void Publish(string user, RegistrationChange change, Binding binding, DateTimeOffset now) =>
        changes.Writer.TryWrite(new RegistrationEvent(user, change, binding, now));

    /// <summary>RFC 3261 §19.1.4 URI comparison, simplified to what identifies a device: user, host, port.</summary>
    private static bool SameContact(SipUri a, SipUri b) =>
        string.Equals(a.User, b.User, StringComparison.Ordinal)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && (a.Port ?? 5060) == (b.Port ?? 5060);
}
