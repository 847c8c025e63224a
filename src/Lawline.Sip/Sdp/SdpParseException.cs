namespace Lawline.Sip.Sdp;

// The only exception SessionDescription.Parse lets escape, so the SIP layer can answer 488/400 on one catch.
public sealed class SdpParseException(string message, int lineNumber = 0) : FormatException(lineNumber > 0 ? $"SDP line {lineNumber}: {message}" : message)
{
    public int LineNumber { get; } = lineNumber;
}
