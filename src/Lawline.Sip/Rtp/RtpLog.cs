using System.Net;
using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Rtp;

internal static partial class RtpLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "RTP port {Port}: latched to {Remote}")]
    public static partial void Latched(ILogger logger, int port, EndPoint? remote);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "RTP port {Port}: media now comes from {Remote}; re-latched")]
    public static partial void Relatched(ILogger logger, int port, EndPoint? remote);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "RTP port {Port}: receive loop ended ({Reason})")]
    public static partial void ReceiveLoopEnded(ILogger logger, int port, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "RTP port {Port}: send failed: {Error}")]
    public static partial void SendFailed(ILogger logger, int port, string error);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "RTP port {Port}: DTMF {Digit} ({Milliseconds} ms)")]
    public static partial void DigitReceived(ILogger logger, int port, char digit, int milliseconds);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "RTP port {Port}: no media for {Seconds} s")]
    public static partial void MediaTimeout(ILogger logger, int port, double seconds);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "RTCP port {Port}: BYE from SSRC {Ssrc:X8}")]
    public static partial void RtcpBye(ILogger logger, int port, uint ssrc);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "RTP port {Port}: a packet could not be processed")]
    public static partial void ProcessingFailed(ILogger logger, int port, Exception exception);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Debug, Message = "RTP port {Port}: receive error {Error}; continuing")]
    public static partial void ReceiveError(ILogger logger, int port, string error);
}
