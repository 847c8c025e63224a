namespace Lawline.Sip.Media;

// The two codecs the engine speaks (RFC 3551 §4.5.14): both 8 kHz, one byte per sample, 160 bytes per 20 ms.
public enum AudioCodec
{
    Pcmu,
    Pcma,
}

public static class AudioCodecExtensions
{
    public static int StaticPayloadType(this AudioCodec codec) => codec == AudioCodec.Pcma ? 8 : 0;

    // The code for digital silence: the decoded value closest to zero.
    public static byte SilenceByte(this AudioCodec codec) => codec == AudioCodec.Pcma ? (byte)0xD5 : (byte)0xFF;
}
