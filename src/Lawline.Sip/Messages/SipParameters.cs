using System.Text;

namespace Lawline.Sip.Messages;

/// <summary>
/// Ordered header or URI parameters (<c>;tag=…;lr</c>). Names compare case-insensitively (RFC 3261 §7.3.1);
/// a parameter without a value (a flag such as <c>lr</c> or <c>rport</c>) has a null value.
/// </summary>
public sealed class SipParameters
{
    private readonly List<KeyValuePair<string, string?>> items = [];

    public int Count => items.Count;

    public IEnumerable<KeyValuePair<string, string?>> All => items;

    public bool Contains(string name) => IndexOf(name) >= 0;

    public string? this[string name]
    {
        get
        {
            var index = IndexOf(name);
            return index < 0 ? null : items[index].Value;
        }
    }

    public void Set(string name, string? value)
    {
        var index = IndexOf(name);
        if (index >= 0)
        {
            items[index] = new(items[index].Key, value);
        }
        else
        {
            items.Add(new(name, value));
        }
    }

    public bool Remove(string name)
    {
        var index = IndexOf(name);
        if (index < 0)
        {
            return false;
        }

        items.RemoveAt(index);
        return true;
    }

    public SipParameters Clone()
    {
        var copy = new SipParameters();
        copy.items.AddRange(items);
        return copy;
    }

    public void AppendTo(StringBuilder builder, char separator = ';')
    {
        foreach (var (name, value) in items)
        {
            builder.Append(separator).Append(name);
            if (value is not null)
            {
                builder.Append('=').Append(value);
            }
        }
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
