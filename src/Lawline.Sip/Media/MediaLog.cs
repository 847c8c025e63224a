using Microsoft.Extensions.Logging;

namespace Lawline.Sip.Media;

internal static partial class MediaLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "A media clock listener failed")]
    public static partial void ClockListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Recording to {Path}")]
    public static partial void RecordingStarted(ILogger logger, string path);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Recording {Path} closed: {Seconds:F1} s")]
    public static partial void RecordingStopped(ILogger logger, string path, double seconds);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Writing recording {Path} failed; recording stopped")]
    public static partial void RecordingFailed(ILogger logger, string path, Exception exception);
}
