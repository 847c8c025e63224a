using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Lawline.Sip.Tests.Peers;

/// <summary>
/// One external peer process with its output captured: every stdout/stderr line goes to a log
/// (shown in failure messages) and to a channel of lines that a wrapper can parse.
/// Disposing kills the whole process tree if it is still running.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly Lock logGate = new();
    private readonly Channel<string> lines = Channel.CreateUnbounded<string>();
    private Task exited = Task.CompletedTask;

    private PeerProcess(Process process, string name)
    {
        this.process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Lines of stdout and stderr, in arrival order, as the process prints them.</summary>
    public ChannelReader<string> Lines => lines.Reader;

    /// <summary>Completes (with all output read) when the process has exited.</summary>
    public Task Exited => exited;

    public string Log
    {
        get
        {
            lock (logGate)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>The last part of the log, for exception messages.</summary>
    public string Tail(int characters = 6000)
    {
        var text = Log;
        return text.Length <= characters ? text : "…" + text[^characters..];
    }

    public static PeerProcess Start(
        string tool,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        bool redirectStdin = false)
    {
        var info = new ProcessStartInfo(Tool.Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new PeerProcess(process, tool);
        process.OutputDataReceived += (_, e) => peer.OnLine(e.Data, "");
        process.ErrorDataReceived += (_, e) => peer.OnLine(e.Data, "! ");
        peer.Append($"$ {tool} {string.Join(' ', info.ArgumentList)}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // WaitForExitAsync also waits for both redirected streams to reach their end.
        peer.exited = Task.Run(async () =>
        {
            await process.WaitForExitAsync();
            peer.lines.Writer.TryComplete();
        });
        return peer;
    }

    /// <summary>Runs a tool in the foreground to completion (or kills it at the timeout) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string tool, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        await using var peer = Start(tool, arguments, workingDirectory);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await peer.Exited.WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{tool} did not finish within {timeout.TotalSeconds:0} s.\n{peer.Tail()}");
        }
        var stdout = string.Join('\n', peer.Log.Split('\n').Skip(1).Where(l => !l.StartsWith("! ", StringComparison.Ordinal)));
        var stderr = string.Join('\n', peer.Log.Split('\n').Where(l => l.StartsWith("! ", StringComparison.Ordinal)).Select(l => l[2..]));
        return (peer.ExitCode, stdout, stderr);
    }

    public async Task WriteLineAsync(string line)
    {
        Append($"<< {line}");
        await process.StandardInput.WriteLineAsync(line);
        await process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the process to exit by itself; kills it after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        try
        {
            await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            Kill();
        }
    }

    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await Exited.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        process.Dispose();
    }

    private void Append(string line)
    {
        lock (logGate)
        {
            log.Append(line).Append('\n');
        }
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }
        Append(prefix + line);
        lines.Writer.TryWrite(line);
    }
}
