using System.Globalization;

namespace Lawline.Sip.Tests.Peers;

/// <summary>One sipp run: a scenario from <see cref="SippScenarios"/> and the command-line options we use.</summary>
internal sealed record SippRun(string ScenarioXml)
{
    /// <summary>"host:port" to send to; null for a UAS that only listens.</summary>
    public string? Remote { get; init; }

    /// <summary>The SIP port sipp binds on 127.0.0.1 (-p); 0 picks a free one.</summary>
    public int LocalPort { get; init; }

    /// <summary>The user part of the request URI and To (-s).</summary>
    public string Service { get; init; } = "service";

    /// <summary>Calls to make (UAC) or accept (UAS) before exiting (-m).</summary>
    public int Calls { get; init; } = 1;

    /// <summary>New calls per second (-r), for a UAC.</summary>
    public double? Rate { get; init; }

    /// <summary>Most calls at once (-l).</summary>
    public int? Limit { get; init; }

    /// <summary>Injection file content (-inf), e.g. <see cref="SippScenarios.RegisterUsersCsv"/>.</summary>
    public string? InjectionCsv { get; init; }

    /// <summary>Global timeout (-timeout with -timeout_error): sipp gives up and fails; we kill it 15 s later.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Receive timeout per expected message (-recv_timeout).</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Keep the error log (-trace_err) in the result.</summary>
    public bool TraceErrors { get; init; } = true;

    /// <summary>Keep every message sent and received (-trace_msg) in the result; needed for <see cref="SippResult.CountReceived"/>.</summary>
    public bool TraceMessages { get; init; }

    /// <summary>Echo the RTP received on the media port back to its sender (-rtp_echo).</summary>
    public bool EchoRtp { get; init; }

    /// <summary>Base media port (-mp); 0 picks a free block.</summary>
    public int MediaPort { get; init; }

    /// <summary>Extra -key name value pairs, for [name] in a scenario.</summary>
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}

/// <summary>What a sipp run did: exit code (0 all calls succeeded, 1 some failed, 97/99/-1/-2 other), output and statistics.</summary>
internal sealed record SippResult(
    int ExitCode,
    string Stdout,
    string Stderr,
    int SuccessfulCalls,
    int FailedCalls,
    IReadOnlyDictionary<string, string> Statistics,
    string ErrorLog,
    string MessageLog,
    string CommandLine)
{
    /// <summary>
    /// How many messages sipp received whose first line starts with <paramref name="firstLine"/> and whose CSeq method is
    /// <paramref name="cseqMethod"/>, retransmissions included (needs TraceMessages).
    /// </summary>
    public int CountReceived(string firstLine, string cseqMethod) =>
        Messages("received").Count(m =>
            m.TrimStart().StartsWith(firstLine, StringComparison.Ordinal) &&
            m.Split('\n').Any(l => l.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase) &&
                                   l.TrimEnd().EndsWith(" " + cseqMethod, StringComparison.Ordinal)));

    /// <summary>Everything useful to see when an assertion about this run fails.</summary>
    public override string ToString() =>
        $"sipp exit {ExitCode}, {SuccessfulCalls} successful, {FailedCalls} failed\n$ {CommandLine}\n--- stdout\n{Tail(Stdout)}\n--- stderr\n{Tail(Stderr)}\n--- errors\n{Tail(ErrorLog)}";

    private IEnumerable<string> Messages(string direction)
    {
        // sipp 3.6 logs each message as a "----- timestamp" line, "UDP message received [N] bytes :", a blank line and the message.
        var blocks = MessageLog.Replace("\r", "", StringComparison.Ordinal).Split("\n----------------------------------------------- ");
        foreach (var block in blocks)
        {
            var header = block.IndexOf($"message {direction} [", StringComparison.Ordinal);
            if (header < 0)
            {
                continue;
            }
            var body = block.IndexOf("\n\n", header, StringComparison.Ordinal);
            if (body >= 0)
            {
                yield return block[(body + 2)..];
            }
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
}

/// <summary>A sipp process running in the foreground (-nostdin; -bg would exit 99 at once).</summary>
internal sealed class SippRunner : IAsyncDisposable
{
    private readonly TempDir directory;
    private readonly PeerProcess process;
    private readonly SippRun run;
    private readonly string commandLine;

    private SippRunner(TempDir directory, PeerProcess process, SippRun run, int localPort, int mediaPort, string commandLine)
    {
        this.directory = directory;
        this.process = process;
        this.run = run;
        this.commandLine = commandLine;
        LocalPort = localPort;
        MediaPort = mediaPort;
    }

    public int LocalPort { get; }

    public int MediaPort { get; }

    /// <summary>"127.0.0.1:PORT", where this sipp listens (the address to send to a UAS).</summary>
    public string Address => $"127.0.0.1:{LocalPort}";

    /// <summary>Runs to completion and returns the result.</summary>
    public static async Task<SippResult> RunAsync(SippRun run)
    {
        await using var sipp = Start(run);
        return await sipp.WaitAsync();
    }

    /// <summary>Starts sipp (e.g. a UAS before its caller) without waiting; await <see cref="WaitAsync"/> for the result.</summary>
    public static SippRunner Start(SippRun run)
    {
        Tool.Require("sipp");
        var directory = new TempDir("sipp");
        var localPort = run.LocalPort != 0 ? run.LocalPort : FreePorts.Udp();
        var mediaPort = run.MediaPort != 0 ? run.MediaPort : FreePorts.UdpBlock(8);
        var scenario = directory.File("scenario.xml");
        File.WriteAllText(scenario, run.ScenarioXml);
        List<string> arguments =
        [
            "-sf", scenario,
            "-i", "127.0.0.1", "-mi", "127.0.0.1",
            "-p", Invariant(localPort), "-mp", Invariant(mediaPort),
            "-s", run.Service,
            "-m", Invariant(run.Calls),
            "-nostdin",
            "-timeout", $"{Invariant((int)Math.Ceiling(run.Timeout.TotalSeconds))}s", "-timeout_error",
            "-recv_timeout", $"{Invariant((int)run.ReceiveTimeout.TotalMilliseconds)}ms",
            "-trace_stat", "-stf", directory.File("stats.csv"), "-fd", "1",
            "-trace_screen", "-screen_file", directory.File("screen.log"),
        ];
        if (run.TraceErrors)
        {
            arguments.AddRange(["-trace_err", "-error_file", directory.File("errors.log")]);
        }
        if (run.TraceMessages)
        {
            arguments.AddRange(["-trace_msg", "-message_file", directory.File("messages.log")]);
        }
        if (run.Rate is { } rate)
        {
            arguments.AddRange(["-r", Invariant(rate)]);
        }
        if (run.Limit is { } limit)
        {
            arguments.AddRange(["-l", Invariant(limit)]);
        }
        if (run.InjectionCsv is { } csv)
        {
            File.WriteAllText(directory.File("users.csv"), csv);
            arguments.AddRange(["-inf", directory.File("users.csv")]);
        }
        if (run.EchoRtp)
        {
            arguments.Add("-rtp_echo");
        }
        foreach (var (key, value) in run.Keys)
        {
            arguments.AddRange(["-key", key, value]);
        }
        arguments.AddRange(run.ExtraArguments);
        if (run.Remote is { } remote)
        {
            arguments.Add(remote);
        }
        var process = PeerProcess.Start("sipp", arguments, workingDirectory: directory.Path);
        return new SippRunner(directory, process, run, localPort, mediaPort, "sipp " + string.Join(' ', arguments));
    }

    public async Task<SippResult> WaitAsync()
    {
        var limit = run.Timeout + TimeSpan.FromSeconds(15);
        try
        {
            await process.Exited.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw new TimeoutException($"sipp did not exit within {limit.TotalSeconds:0} s.\n$ {commandLine}\n{process.Tail()}");
        }
        var statistics = ReadStatistics(directory.File("stats.csv"));
        var log = process.Log.Split('\n').Skip(1).ToList();
        return new SippResult(
            process.ExitCode,
            string.Join('\n', log.Where(l => !l.StartsWith("! ", StringComparison.Ordinal))) + ReadIfExists(directory.File("screen.log")),
            string.Join('\n', log.Where(l => l.StartsWith("! ", StringComparison.Ordinal)).Select(l => l[2..])),
            Counter(statistics, "SuccessfulCall(C)"),
            Counter(statistics, "FailedCall(C)"),
            statistics,
            ReadIfExists(directory.File("errors.log")),
            ReadIfExists(directory.File("messages.log")),
            commandLine);
    }

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        directory.Dispose();
    }

    // -trace_stat writes a header line and then one line per period, fields separated by ';'. The last line is the final count.
    private static Dictionary<string, string> ReadStatistics(string path)
    {
        var lines = File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
        if (lines.Count < 2)
        {
            return [];
        }
        var names = lines[0].Split(';');
        var values = lines[^1].Split(';');
        return names.Zip(values).Where(p => p.First.Length > 0).ToDictionary(p => p.First, p => p.Second);
    }

    private static int Counter(Dictionary<string, string> statistics, string name) =>
        statistics.TryGetValue(name, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string ReadIfExists(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
