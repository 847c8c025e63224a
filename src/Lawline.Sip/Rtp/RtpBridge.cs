using Lawline.Sip.Media;

namespace Lawline.Sip.Rtp;

// Connects two legs: what A receives goes to B and the other way round. Each side re-stamps the packets
// as its own continuous stream (SSRC, sequence, timestamp; RFC 3550 §7.3 translator without SSRC
// passthrough), so a caller's SSRC change or a prompt played in between does not confuse the far end.
// PCMU and PCMA are transcoded when the legs differ; telephone-events go across with the other leg's
// event payload type, or are dropped if it has none; a leg that holds (sendonly/inactive/c=0.0.0.0)
// gets nothing. Dispose to unbridge: the endpoints go on independently (prompts, music on hold).
public sealed class RtpBridge : IDisposable
{
    private static readonly Lock Gate = new();

    private RtpBridge(RtpEndpoint a, RtpEndpoint b)
    {
        A = a;
        B = b;
    }

    public RtpEndpoint A { get; }
    public RtpEndpoint B { get; }

    public bool IsConnected => A.Peer == B && B.Peer == A;

    public static RtpBridge Connect(RtpEndpoint a, RtpEndpoint b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (ReferenceEquals(a, b))
        {
            throw new ArgumentException("An endpoint cannot be bridged to itself.", nameof(b));
        }
        lock (Gate)
        {
            if (a.Peer is not null || b.Peer is not null)
            {
                throw new InvalidOperationException("Both endpoints must be unbridged first (dispose the existing RtpBridge).");
            }
            a.Peer = b;
            b.Peer = a;
        }
        return new RtpBridge(a, b);
    }

    // Records the call: A's received audio (by convention the caller) left, B's right.
    public void StartRecording(StereoWavRecorder recorder)
    {
        A.StartRecording(recorder, RecordingChannel.Left);
        B.StartRecording(recorder, RecordingChannel.Right);
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (A.Peer == B)
            {
                A.Peer = null;
            }
            if (B.Peer == A)
            {
                B.Peer = null;
            }
        }
    }

    internal static void Detach(RtpEndpoint endpoint)
    {
        lock (Gate)
        {
            if (endpoint.Peer is { } peer)
            {
                if (peer.Peer == endpoint)
                {
                    peer.Peer = null;
                }
                endpoint.Peer = null;
            }
        }
    }
}
