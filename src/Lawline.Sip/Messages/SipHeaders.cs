namespace Lawline.Sip.Messages;

/// <summary>One header line as received or to be sent, with its canonical long-form name.</summary>
public readonly record struct SipHeader(string Name, string Value);

/// <summary>
/// The header fields of a message in order (RFC 3261 §7.3). Names are stored in their long form (compact forms
/// from §7.3.3 are expanded when parsed) and compared case-insensitively. Values are kept as written; typed
/// accessors on <see cref="SipMessage"/> parse them on demand.
/// </summary>
public sealed class SipHeaders
{
    private readonly List<SipHeader> items;

    public SipHeaders()
    {
        items = [];
    }

    private SipHeaders(List<SipHeader> items)
    {
        this.items = items;
    }

    public int Count => items.Count;

    public IReadOnlyList<SipHeader> All => items;

    public SipHeaders Clone() => new([.. items]);

    public bool Contains(string name) => IndexOf(Canonical(name)) >= 0;

    /// <summary>The first value of the header, or null.</summary>
    public string? this[string name]
    {
        get
        {
            var index = IndexOf(Canonical(name));
            return index < 0 ? null : items[index].Value;
        }
    }

    /// <summary>Every line of the header, in order (not split at commas).</summary>
    public IEnumerable<string> Lines(string name)
    {
        name = Canonical(name);
        foreach (var item in items)
        {
            if (string.Equals(item.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return item.Value;
            }
        }
    }

    /// <summary>Every value of a list header (Via, Route, Contact, Supported…), split at top-level commas.</summary>
    public List<string> Values(string name)
    {
        var values = new List<string>();
        foreach (var line in Lines(name))
        {
            values.AddRange(HeaderSyntax.SplitList(line));
        }

        return values;
    }

    public void Add(string name, string value) => items.Add(new SipHeader(Canonical(name), value));

    /// <summary>Adds the header before every other header of the same name (a new top Via, Record-Route).</summary>
    public void AddFirst(string name, string value)
    {
        name = Canonical(name);
        var index = IndexOf(name);
        items.Insert(index < 0 ? items.Count : index, new SipHeader(name, value));
    }

    /// <summary>Replaces every line of the header with one value (or adds it at the end).</summary>
    public void Set(string name, string value)
    {
        name = Canonical(name);
        var index = IndexOf(name);
        if (index < 0)
        {
            items.Add(new SipHeader(name, value));
            return;
        }

        items[index] = new SipHeader(name, value);
        for (var i = items.Count - 1; i > index; i--)
        {
            if (string.Equals(items[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                items.RemoveAt(i);
            }
        }
    }

    public int Remove(string name)
    {
        name = Canonical(name);
        return items.RemoveAll(item => string.Equals(item.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Removes the first value of a list header, splitting the first line when it holds several.</summary>
    public void RemoveFirstValue(string name)
    {
        name = Canonical(name);
        var index = IndexOf(name);
        if (index < 0)
        {
            return;
        }

        var values = HeaderSyntax.SplitList(items[index].Value);
        if (values.Count <= 1)
        {
            items.RemoveAt(index);
        }
        else
        {
            items[index] = new SipHeader(name, string.Join(", ", values.Skip(1)));
        }
    }

    /// <summary>Replaces the first value of a list header (e.g. the top Via after adding received/rport).</summary>
    public void ReplaceFirstValue(string name, string value)
    {
        name = Canonical(name);
        var index = IndexOf(name);
        if (index < 0)
        {
            items.Add(new SipHeader(name, value));
            return;
        }

        var values = HeaderSyntax.SplitList(items[index].Value);
        values[0] = value;
        items[index] = new SipHeader(name, string.Join(", ", values));
    }

    private int IndexOf(string canonicalName)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i].Name, canonicalName, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>RFC 3261 §7.3.3 compact forms, plus those of RFC 3515 (r, b), 4028 (x), 3265 (o, u).</summary>
    public static string Canonical(string name)
    {
        if (name.Length == 1)
        {
            return char.ToLowerInvariant(name[0]) switch
            {
                'v' => HeaderNames.Via,
                'f' => HeaderNames.From,
                't' => HeaderNames.To,
                'i' => HeaderNames.CallId,
                'm' => HeaderNames.Contact,
                'l' => HeaderNames.ContentLength,
                'c' => HeaderNames.ContentType,
                'e' => HeaderNames.ContentEncoding,
                'k' => HeaderNames.Supported,
                's' => "Subject",
                'o' => HeaderNames.Event,
                'u' => "Allow-Events",
                'r' => HeaderNames.ReferTo,
                'b' => HeaderNames.ReferredBy,
                'x' => HeaderNames.SessionExpires,
                _ => name,
            };
        }

        return name;
    }
}

public static class HeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string Contact = "Contact";
    public const string MaxForwards = "Max-Forwards";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string ContentEncoding = "Content-Encoding";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";
    public const string Expires = "Expires";
    public const string MinExpires = "Min-Expires";
    public const string Supported = "Supported";
    public const string Require = "Require";
    public const string ProxyRequire = "Proxy-Require";
    public const string Unsupported = "Unsupported";
    public const string Allow = "Allow";
    public const string Accept = "Accept";
    public const string UserAgent = "User-Agent";
    public const string Server = "Server";
    public const string Authorization = "Authorization";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string SessionExpires = "Session-Expires";
    public const string MinSE = "Min-SE";
    public const string Event = "Event";
    public const string SubscriptionState = "Subscription-State";
    public const string ReferTo = "Refer-To";
    public const string ReferredBy = "Referred-By";
    public const string Reason = "Reason";
    public const string RetryAfter = "Retry-After";
    public const string PAssertedIdentity = "P-Asserted-Identity";
    public const string RSeq = "RSeq";
    public const string RAck = "RAck";
    public const string Date = "Date";
}

public static class SipMethods
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Register = "REGISTER";
    public const string Options = "OPTIONS";
    public const string Refer = "REFER";
    public const string Notify = "NOTIFY";
    public const string Subscribe = "SUBSCRIBE";
    public const string Info = "INFO";
    public const string Update = "UPDATE";
    public const string Prack = "PRACK";
    public const string Message = "MESSAGE";
}
