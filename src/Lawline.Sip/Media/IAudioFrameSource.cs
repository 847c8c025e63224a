namespace Lawline.Sip.Media;

// A stateful producer of 20 ms G.711 frames for one playback; RtpEndpoint.PlayAsync pulls one frame per media-clock tick.
public interface IAudioFrameSource
{
    // Fills 160 bytes in the given law; false when the source has ended.
    bool TryReadFrame(Span<byte> frame, AudioCodec codec);
}
