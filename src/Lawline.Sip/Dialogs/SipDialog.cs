using System.Net;
using Lawline.Sip.Messages;
using Lawline.Sip.Transactions;

namespace Lawline.Sip.Dialogs;

/// <summary>
/// Dialog state (RFC 3261 §12): identifiers, sequence numbers, remote target and route set. Each leg of a
/// B2BUA call is one dialog with its own Call-ID and tags — the caller never sees the agent's dialog.
/// </summary>
public sealed class SipDialog
{
    private uint localSequence;

    private SipDialog(string callId, string localTag, NameAddress localUri, NameAddress remoteUri, SipUri remoteTarget, IPEndPoint peer)
    {
        CallId = callId;
        LocalTag = localTag;
        LocalUri = localUri;
        RemoteUri = remoteUri;
        RemoteTarget = remoteTarget;
        PeerEndPoint = peer;
    }

    public string CallId { get; }

    public string LocalTag { get; }

    public string? RemoteTag { get; private set; }

    /// <summary>Our From (UAC) or To (UAS) address, without the tag.</summary>
    public NameAddress LocalUri { get; }

    public NameAddress RemoteUri { get; }

    /// <summary>Where in-dialog requests are addressed: the peer's Contact (§12.1.1, §12.1.2).</summary>
    public SipUri RemoteTarget { get; private set; }

    /// <summary>Record-Route, reversed for a UAC (§12.1.2); empty for direct phone-to-engine dialogs.</summary>
    public IReadOnlyList<NameAddress> RouteSet { get; private set; } = [];

    /// <summary>
    /// Where in-dialog requests are actually sent. Phones behind NAT put unreachable private addresses in
    /// Contact, so without a route set requests go back to the address the dialog's messages came from
    /// (the same reasoning as RFC 3581 for responses).
    /// </summary>
    public IPEndPoint PeerEndPoint { get; private set; }

    public uint? RemoteSequence { get; private set; }

    public uint LocalSequence => localSequence;

    public bool IsConfirmed { get; private set; }

    /// <summary>RFC 3261 §12.1.1: the UAS side of a dialog created by an INVITE.</summary>
    public static SipDialog ForUas(SipRequest invite, string localTag, IPEndPoint source)
    {
        var contact = invite.Contacts.FirstOrDefault()?.Uri ?? invite.From.Uri;
        var dialog = new SipDialog(invite.CallId, localTag, Untagged(invite.To), Untagged(invite.From), contact, source)
        {
            RemoteTag = invite.From.Tag,
            RemoteSequence = invite.CSeq.Number,
            RouteSet = invite.RecordRoutes,
        };
        dialog.localSequence = (uint)Random.Shared.Next(1, 10_000);
        dialog.AdoptFirstRoute();
        return dialog;
    }

    /// <summary>The UAC side before any response: used to build the initial INVITE.</summary>
    public static SipDialog ForUac(string callId, NameAddress from, NameAddress to, SipUri requestUri, IPEndPoint destination)
    {
        var dialog = new SipDialog(callId, SipTransactionLayer.RandomToken(6), Untagged(from), Untagged(to), requestUri, destination);
        dialog.localSequence = (uint)Random.Shared.Next(1, 10_000);
        return dialog;
    }

    /// <summary>
    /// RFC 3261 §12.1.2: a UAC dialog takes the remote tag, Contact and reversed Record-Route from the
    /// response (a 1xx with a tag creates an early dialog; the 2xx confirms it).
    /// </summary>
    public void UpdateFromResponse(SipResponse response)
    {
        if (response.To.Tag is { } tag)
        {
            RemoteTag = tag;
        }

        if (response.Contacts.FirstOrDefault() is { } contact)
        {
            RemoteTarget = contact.Uri;
        }

        var recordRoutes = response.RecordRoutes;
        if (recordRoutes.Count > 0)
        {
            recordRoutes.Reverse();
            RouteSet = recordRoutes;
            AdoptFirstRoute();
        }

        if (response.IsSuccess)
        {
            IsConfirmed = true;
        }
    }

    public void Confirm() => IsConfirmed = true;

    /// <summary>A target refresh (re-INVITE, UPDATE) may change the remote target (§12.2.2).</summary>
    public void RefreshTarget(SipRequest request, IPEndPoint source)
    {
        if (request.Contacts.FirstOrDefault() is { } contact)
        {
            RemoteTarget = contact.Uri;
        }

        if (RouteSet.Count == 0)
        {
            PeerEndPoint = source;
        }
    }

    /// <summary>
    /// §12.2.2: a request with a lower CSeq than the last one is out of order (answered 500); returns false then.
    /// </summary>
    public bool AcceptRemoteSequence(uint sequence)
    {
        if (RemoteSequence is { } last && sequence < last)
        {
            return false;
        }

        RemoteSequence = sequence;
        return true;
    }

    public bool Matches(SipMessage message, bool incomingRequest)
    {
        if (!string.Equals(message.CallId, CallId, StringComparison.Ordinal))
        {
            return false;
        }

        var (local, remote) = incomingRequest ? (message.To.Tag, message.From.Tag) : (message.From.Tag, message.To.Tag);
        return local == LocalTag && (RemoteTag is null || remote == RemoteTag);
    }

    public uint NextSequence() => Interlocked.Increment(ref localSequence);

    /// <summary>
    /// Builds an in-dialog request (§12.2.1.1): Request-URI is the remote target, Route is the route set
    /// (loose routing, RFC 3261 §16.12), CSeq is incremented — except for ACK and CANCEL, which reuse the number.
    /// </summary>
    public SipRequest CreateRequest(string method, string via, SipUri localContact, uint? sequence = null)
    {
        var request = new SipRequest(method, RemoteTarget.Clone());
        request.Headers.Add(HeaderNames.Via, via);
        request.Headers.Add(HeaderNames.MaxForwards, "70");
        foreach (var route in RouteSet)
        {
            request.Headers.Add(HeaderNames.Route, route.ToString());
        }

        request.Headers.Add(HeaderNames.From, LocalUri.WithTag(LocalTag).ToString());
        request.Headers.Add(HeaderNames.To, RemoteTag is null ? RemoteUri.ToString() : RemoteUri.WithTag(RemoteTag).ToString());
        request.Headers.Add(HeaderNames.CallId, CallId);
        request.Headers.Add(HeaderNames.CSeq, new CSeqHeader(sequence ?? NextSequence(), method).ToString());
        if (method is not (SipMethods.Ack or SipMethods.Cancel or SipMethods.Bye))
        {
            request.Headers.Add(HeaderNames.Contact, $"<{localContact}>");
        }

        return request;
    }

    private void AdoptFirstRoute()
    {
        if (RouteSet.Count == 0)
        {
            return;
        }

        var first = RouteSet[0].Uri;
        if (IPAddress.TryParse(first.Host.Trim('[', ']'), out var address))
        {
            PeerEndPoint = new IPEndPoint(address, first.Port ?? 5060);
        }
    }

    private static NameAddress Untagged(NameAddress address)
    {
        var copy = address.Clone();
        copy.Parameters.Remove("tag");
        return copy;
    }
}
