using System.Diagnostics;
using System.Globalization;

namespace Lawline.Sip.Tests.Peers;

/// <summary>How to set up one linphonec phone.</summary>
internal sealed record LinphoneOptions
{
    public string User { get; init; } = "agent3";

    /// <summary>"host:port" of the registrar/proxy.</summary>
    public required string Registrar { get; init; }

    public string Password { get; init; } = "secret";

    /// <summary>Start with -a: answer incoming calls at once.</summary>
    public bool AutoAnswer { get; init; } = true;

    /// <summary>8 kHz PCM16 mono WAV played as the microphone ("soundcard use files" + "play"); null sends silence.</summary>
    public string? PlayFile { get; init; }
}

/// <summary>
/// linphonec 5.1 (liblinphone) driven through stdin, its state read from stdout lines. Runs with HOME set to its own
/// temp directory holding ~/.local/share/linphone (without that directory the core never reaches "On", opens no
/// SIP port and incoming calls get 503). Audio uses file mode: "soundcard use files", "play FILE" (the microphone)
/// and "record FILE" (what it hears); the record file's WAV header is only written when the call ends.
/// </summary>
/// <example><code>
/// await using var phone = await LinphonePhone.StartAsync(new() { User = "agent3", Registrar = proxy.Domain, PlayFile = tone400 });
/// await phone.WaitForRegistrationAsync();
/// // … someone calls phone.Aor; it auto-answers …
/// await phone.WaitForLineAsync(LinphonePhone.CallConnected);
/// await phone.WaitForLineAsync(LinphonePhone.CallEnded);
/// var heard = await WavAnalysis.ReadAsync(phone.RecordFile);
/// </code></example>
internal sealed class LinphonePhone : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>"Call 1 with sip:… connected."</summary>
    public static readonly Func<string, bool> CallConnected = line => line.Contains(" connected.", StringComparison.Ordinal) && line.Contains("Call ", StringComparison.Ordinal);

    /// <summary>"Call 1 with sip:… ended (No error)."</summary>
    public static readonly Func<string, bool> CallEnded = line => line.Contains(" ended (", StringComparison.Ordinal);

    /// <summary>"Receiving new incoming call from sip:…, assigned id 1"</summary>
    public static readonly Func<string, bool> IncomingCall = line => line.Contains("Receiving new incoming call", StringComparison.Ordinal);

    private readonly TempDir home;
    private readonly PeerProcess process;
    private readonly Lock gate = new();
    private readonly List<(string Line, bool Taken)> history = [];
    private TaskCompletionSource lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task reader = Task.CompletedTask;

    private LinphonePhone(TempDir home, PeerProcess process, LinphoneOptions options, int sipPort)
    {
        this.home = home;
        this.process = process;
        Options = options;
        SipPort = sipPort;
    }

    public LinphoneOptions Options { get; }

    public int SipPort { get; }

    public string Aor => $"sip:{Options.User}@{Options.Registrar}";

    /// <summary>What the phone heard, PCM16 WAV (8 kHz mono for G.711 calls); complete once the call has ended.</summary>
    public string RecordFile => home.File("received.wav");

    public string Log => process.Log;

    public static async Task<LinphonePhone> StartAsync(LinphoneOptions options)
    {
        Tool.Require("linphonec");
        var home = new TempDir($"linphone-{options.User}");
        System.IO.Directory.CreateDirectory(Path.Combine(home.Path, ".local", "share", "linphone"));
        var sipPort = FreePorts.Udp();
        var rtpPorts = FreePorts.UdpBlock(20);
        var rc = home.File("linphonerc");
        await File.WriteAllTextAsync(rc, Config(options, sipPort, rtpPorts));
        List<string> arguments = ["-c", rc];
        if (options.AutoAnswer)
        {
            arguments.Add("-a");
        }
        var process = PeerProcess.Start("linphonec", arguments, workingDirectory: home.Path,
            environment: new Dictionary<string, string> { ["HOME"] = home.Path }, redirectStdin: true);
        var phone = new LinphonePhone(home, process, options, sipPort);
        phone.reader = Task.Run(phone.ReadLoopAsync);
        await phone.CommandAsync("soundcard use files");
        await phone.WaitForLineAsync(l => l.Contains("Using wav files", StringComparison.Ordinal));
        if (options.PlayFile is { } play)
        {
            await phone.CommandAsync($"play {play}");
        }
        await phone.CommandAsync($"record {phone.RecordFile}");
        return phone;
    }

    /// <summary>Writes one command line to linphonec's stdin.</summary>
    public Task CommandAsync(string line) => process.WriteLineAsync(line);

    public Task CallAsync(string uri) => CommandAsync($"call {uri}");

    public Task AnswerAsync() => CommandAsync("answer");

    public Task TerminateAsync() => CommandAsync("terminate");

    public Task PauseAsync() => CommandAsync("pause");

    public Task ResumeAsync() => CommandAsync("resume");

    public Task TransferAsync(string uri) => CommandAsync($"transfer {uri}");

    /// <summary>Sends DTMF digits in the current call (RFC 4733 by default).</summary>
    public Task SendDtmfAsync(string digits) => CommandAsync($"digits {digits}");

    /// <summary>Polls "status register" until it prints "registered, identity=…".</summary>
    public async Task WaitForRegistrationAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            await CommandAsync("status register");
            try
            {
                await WaitForLineAsync(l => l.Contains("registered", StringComparison.Ordinal), TimeSpan.FromSeconds(2));
                if (TakenLines().LastOrDefault(l => l.Contains("registered", StringComparison.Ordinal)) is { } line &&
                    line.Contains("registered, identity=", StringComparison.Ordinal) && !line.Contains("unregistered", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (TimeoutException)
            {
            }
            await Task.Delay(300);
        }
        throw new TimeoutException($"linphonec {Options.User} did not register within {limit.TotalSeconds:0} s.\n{process.Tail()}");
    }

    /// <summary>
    /// Returns the first stdout/stderr line matching <paramref name="match"/> that no earlier wait returned,
    /// including lines printed before this call; fails with the log on timeout.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task arrived;
            lock (gate)
            {
                for (var i = 0; i < history.Count; i++)
                {
                    if (!history[i].Taken && match(history[i].Line))
                    {
                        history[i] = (history[i].Line, true);
                        return history[i].Line;
                    }
                }
                arrived = lineArrived.Task;
            }
            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero || process.HasExited)
            {
                throw new TimeoutException($"linphonec {Options.User}: expected line not seen within {limit.TotalSeconds:0} s" +
                                           (process.HasExited ? " (linphonec exited)" : "") + $".\n{process.Tail()}");
            }
            await Task.WhenAny(arrived, Task.Delay(left));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            try
            {
                await CommandAsync("quit");
            }
            catch (IOException)
            {
            }
            await process.StopAsync(TimeSpan.FromSeconds(5));
        }
        await process.DisposeAsync();
        await reader;
        home.Dispose();
    }

    private IEnumerable<string> TakenLines()
    {
        lock (gate)
        {
            return history.Where(h => h.Taken).Select(h => h.Line).ToList();
        }
    }

    private async Task ReadLoopAsync()
    {
        await foreach (var line in process.Lines.ReadAllAsync())
        {
            lock (gate)
            {
                history.Add((line, false));
                lineArrived.TrySetResult();
                lineArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        lock (gate)
        {
            lineArrived.TrySetResult();
        }
    }

    private static string Config(LinphoneOptions options, int sipPort, int rtpPorts)
    {
        var (host, _) = SplitHostPort(options.Registrar);
        return string.Create(CultureInfo.InvariantCulture, $"""
            # Generated by the Lawline peer test harness (linphonec rewrites this file on exit).
            [sip]
            sip_port={sipPort}
            sip_tcp_port=0
            sip_tls_port=0
            default_proxy=0
            [rtp]
            audio_rtp_port={rtpPorts}-{rtpPorts + 19}
            [sound]
            echocancellation=0
            [video]
            enabled=0
            automatically_initiate=0
            automatically_accept=0
            [auth_info_0]
            username={options.User}
            passwd={options.Password}
            realm={host}
            domain={options.Registrar}
            [proxy_0]
            reg_proxy=<sip:{options.Registrar};transport=udp>
            reg_identity=sip:{options.User}@{options.Registrar}
            reg_expires=300
            reg_sendregister=1
            publish=0
            """);
    }

    private static (string Host, int Port) SplitHostPort(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        return colon < 0 ? (hostPort, 5060) : (hostPort[..colon], int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture));
    }
}
