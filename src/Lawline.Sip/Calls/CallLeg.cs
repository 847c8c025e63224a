using System.Net;
using Lawline.Sip.Dialogs;
using Lawline.Sip.Messages;
using Lawline.Sip.Sdp;
using Lawline.Sip.Transactions;

namespace Lawline.Sip.Calls;

/// <summary>
/// One leg of a call inside the B2BUA: its dialog, its anchored media and its place in a bridge. All mutation
/// happens under <see cref="Gate"/>; SIP sends and events are issued after the lock is released.
/// </summary>
internal sealed class CallLeg(CallLegId id, LegDirection direction, SipDialog dialog, LegMedia media, SdpOriginState origin, DateTimeOffset createdAt)
{
    public CallLegId Id { get; } = id;

    public LegDirection Direction { get; } = direction;

    public SipDialog Dialog { get; } = dialog;

    public LegMedia Media { get; } = media;

    public SdpOriginState Origin { get; } = origin;

    public Lock Gate { get; } = new();

    public LegState State { get; set; } = LegState.Offered;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset? AnsweredAt { get; set; }

    public string RemoteNumber { get; init; } = "";

    /// <summary>Inbound legs: the INVITE's server transaction until it has a final response.</summary>
    public ServerTransaction? InviteTransaction { get; set; }

    /// <summary>Inbound legs: the SDP answer prepared for the caller's offer (sent in 183/200).</summary>
    public SessionDescription? LocalAnswer { get; set; }

    /// <summary>Outbound legs: the INVITE we sent and its transaction (for CANCEL).</summary>
    public SipRequest? OutboundInvite { get; set; }

    public ClientTransaction? OutboundTransaction { get; set; }

    public SessionDescription? LocalOffer { get; set; }

    public bool ProvisionalReceived { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>The last 2xx ACK we sent (outbound legs), re-sent when the 2xx is retransmitted.</summary>
    public SipRequest? LastAck { get; set; }

    /// <summary>A re-INVITE from the peer answered 2xx and waiting for its ACK.</summary>
    public ServerTransaction? PendingReInvite { get; set; }

    /// <summary>The subscription a phone's REFER created (RFC 3515 §2.4.4): progress goes out as NOTIFY.</summary>
    public bool ReferSubscriptionActive { get; set; }

    public CallLeg? Partner { get; set; }

    public bool HangUpWithPartner { get; set; }

    /// <summary>The leg's phone holds the call (its re-INVITE said sendonly/inactive).</summary>
    public bool RemoteHold { get; set; }

    /// <summary>We hold this leg (it hears music on hold).</summary>
    public bool LocalHold { get; set; }

    public bool IsEnded => State == LegState.Ended;

    /// <summary>RFC 4028 session interval and who refreshes; null when no session timer is in force.</summary>
    public TimeSpan? SessionInterval { get; set; }

    public bool WeRefresh { get; set; }

    public ITimer? SessionTimer { get; set; }

    public IPEndPoint Peer => Dialog.PeerEndPoint;

    public CallLegInfo Snapshot() =>
        new(Id, Direction, State, RemoteNumber, Partner?.Id, RemoteHold || LocalHold, Media.IsRecording, CreatedAt, AnsweredAt);
}
