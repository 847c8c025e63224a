namespace Lawline.Server.Common;

/// <summary>
/// A background job that runs every <see cref="Interval"/> on the <see cref="TimeProvider"/> (so tests drive it with a
/// fake clock): a failing run is logged and the next one runs as usual; a zero or negative interval turns the job off.
/// Jobs also expose their run to be called on demand (tests, "check now" buttons).
/// </summary>
public abstract partial class PeriodicJob(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The clock the job runs on (for the job's own "now").</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>Read once at start.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>The job's name in logs.</summary>
    protected abstract string Name { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.RunFailed(logger, Name, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "The {Job} run failed; it runs again at the next interval")]
        public static partial void RunFailed(ILogger logger, string job, Exception exception);
    }
}
