using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Lawline.Sip.Tests.Peers;

/// <summary>How to set up one baresip phone.</summary>
internal sealed record BaresipOptions
{
    /// <summary>The user part of the address of record.</summary>
    public string User { get; init; } = "agent1";

    /// <summary>"host:port" of the registrar/proxy; null for an unregistered phone reached directly at <see cref="BaresipPhone.DirectUri"/>.</summary>
    public string? Registrar { get; init; }

    public string Password { get; init; } = "secret";

    /// <summary>Answer incoming calls at once (answermode=auto); otherwise they ring until <see cref="BaresipPhone.AcceptAsync"/>.</summary>
    public bool AutoAnswer { get; init; } = true;

    /// <summary>8 kHz PCM16 mono WAV the phone sends as its microphone. It must outlast the call: aufile hangs up at its end.</summary>
    public required string AudioFile { get; init; }

    public int RegisterIntervalSeconds { get; init; } = 300;

    public string AudioCodecs { get; init; } = "PCMU,PCMA";
}

/// <summary>One event from baresip's ctrl_tcp, e.g. REGISTER_OK, CALL_INCOMING, CALL_ESTABLISHED, CALL_DTMF_START (Param = digit), CALL_CLOSED.</summary>
internal sealed record BaresipEvent(string Type, string? Class, string? Param, string? CallId, string? PeerUri, string? Direction, string Json);

/// <summary>The reply to one ctrl_tcp command.</summary>
internal sealed record BaresipResponse(bool Ok, string Data);

/// <summary>
/// baresip 1.0.0 as a headless phone: generated config in a temp directory, audio from a WAV through aufile,
/// received and sent audio dumped by sndfile, no sound card, driven over ctrl_tcp (netstring-framed JSON both ways).
/// </summary>
/// <example><code>
/// await using var phone = await BaresipPhone.StartAsync(new() { User = "agent1", Registrar = proxy.Domain, AudioFile = tone1000 });
/// await phone.WaitForRegistrationAsync();
/// await phone.DialAsync("sip:agent2@" + proxy.Domain);
/// await phone.WaitForEventAsync("CALL_ESTABLISHED");
/// await phone.SendDtmfAsync("12#");
/// await phone.HangupAsync();
/// await phone.WaitForEventAsync("CALL_CLOSED");
/// var heard = await WavAnalysis.ReadAsync(phone.ReceivedAudioFiles().Single());
/// </code></example>
internal sealed class BaresipPhone : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly TempDir directory;
    private readonly PeerProcess process;
    private readonly TcpClient control;
    private readonly NetworkStream stream;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly Lock gate = new();
    private readonly Dictionary<string, TaskCompletionSource<BaresipResponse>> pending = [];
    private readonly List<(BaresipEvent Event, bool Taken)> history = [];
    private readonly Channel<BaresipEvent> events = Channel.CreateUnbounded<BaresipEvent>();
    private readonly CancellationTokenSource stopping = new();
    private TaskCompletionSource eventArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task reader = Task.CompletedTask;
    private int nextToken;

    private BaresipPhone(TempDir directory, PeerProcess process, TcpClient control, BaresipOptions options, int sipPort, int controlPort)
    {
        this.directory = directory;
        this.process = process;
        this.control = control;
        stream = control.GetStream();
        Options = options;
        SipPort = sipPort;
        ControlPort = controlPort;
    }

    public BaresipOptions Options { get; }

    public int SipPort { get; }

    public int ControlPort { get; }

    public string Directory => directory.Path;

    /// <summary>The address of record: sip:user@registrar, or the direct URI when unregistered.</summary>
    public string Aor => Options.Registrar is { } registrar ? $"sip:{Options.User}@{registrar}" : DirectUri;

    /// <summary>sip:user@127.0.0.1:port, to call the phone without a proxy.</summary>
    public string DirectUri => $"sip:{Options.User}@127.0.0.1:{SipPort}";

    /// <summary>Every event, in order, as a stream (independent of <see cref="WaitForEventAsync"/>).</summary>
    public ChannelReader<BaresipEvent> Events => events.Reader;

    public string Log => process.Log;

    public static async Task<BaresipPhone> StartAsync(BaresipOptions options, TimeSpan? startTimeout = null)
    {
        Tool.Require("baresip");
        var directory = new TempDir($"baresip-{options.User}");
        var sipPort = FreePorts.SipForBaresip();
        var controlPort = FreePorts.Tcp();
        var rtpPorts = FreePorts.UdpBlock(20);
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "config"), Config(directory.Path, options, sipPort, controlPort, rtpPorts));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "accounts"), AccountLine(options, sipPort) + "\n");
        var process = PeerProcess.Start("baresip", ["-f", directory.Path], workingDirectory: directory.Path);

        var timeout = startTimeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", controlPort);
                var phone = new BaresipPhone(directory, process, client, options, sipPort, controlPort);
                phone.reader = Task.Run(phone.ReadLoopAsync);
                return phone;
            }
            catch (SocketException) when (clock.Elapsed < timeout && !process.HasExited)
            {
                client.Dispose();
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                client.Dispose();
                var log = process.Tail();
                await process.DisposeAsync();
                directory.Dispose();
                throw new TimeoutException($"baresip ctrl_tcp did not accept a connection on 127.0.0.1:{controlPort} within {timeout.TotalSeconds:0} s.\n{log}");
            }
        }
    }

    /// <summary>Sends one ctrl_tcp command and awaits the reply with the same token.</summary>
    public async Task<BaresipResponse> CommandAsync(string command, string parameters = "", TimeSpan? timeout = null)
    {
        var token = $"t{Interlocked.Increment(ref nextToken)}";
        var reply = new TaskCompletionSource<BaresipResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            pending[token] = reply;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["command"] = command,
            ["params"] = parameters,
            ["token"] = token,
        });
        var frame = new List<byte>(Encoding.ASCII.GetBytes($"{json.Length}:"));
        frame.AddRange(json);
        frame.Add((byte)',');
        await writeGate.WaitAsync();
        try
        {
            await stream.WriteAsync(frame.ToArray());
        }
        finally
        {
            writeGate.Release();
        }
        var limit = timeout ?? DefaultTimeout;
        try
        {
            return await reply.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"baresip {Options.User}: no reply to '{command} {parameters}' within {limit.TotalSeconds:0} s.\n{Diagnostics()}");
        }
    }

    public Task DialAsync(string uri) => CommandOkAsync("dial", uri);

    public Task AcceptAsync() => CommandOkAsync("accept");

    public Task HangupAsync() => CommandOkAsync("hangup");

    /// <summary>Puts the current call on hold (re-INVITE with a=sendonly).</summary>
    public Task HoldAsync() => CommandOkAsync("hold");

    public Task ResumeAsync() => CommandOkAsync("resume");

    /// <summary>Blind transfer of the current call (REFER). Pitfall: baresip hangs up its own leg even when the REFER fails.</summary>
    public Task TransferAsync(string uri) => CommandOkAsync("transfer", uri);

    /// <summary>
    /// Sends DTMF as RFC 4733 telephone-events (baresip's sndcode, one digit per command; it sends the
    /// key-up itself). Digits are spaced <paramref name="gap"/> apart so the far end sees separate events.
    /// </summary>
    public async Task SendDtmfAsync(string digits, TimeSpan? gap = null)
    {
        foreach (var digit in digits)
        {
            await CommandOkAsync("sndcode", digit.ToString());
            await Task.Delay(gap ?? TimeSpan.FromMilliseconds(300));
        }
    }

    /// <summary>The text of "listcalls", e.g. "--- Active calls (1) ---\n> [line 1]  0:00:05  ESTABLISHED  sip:…".</summary>
    public async Task<string> ListCallsAsync() => (await CommandOkAsync("listcalls")).Data;

    /// <summary>Count of active calls, parsed from "listcalls".</summary>
    public async Task<int> ActiveCallCountAsync()
    {
        var text = await ListCallsAsync();
        var start = text.IndexOf("Active calls (", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new FormatException($"Unexpected listcalls reply: {text}");
        }
        start += "Active calls (".Length;
        return int.Parse(text[start..text.IndexOf(')', start)], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until the account is registered. baresip registers as soon as it starts, often before our ctrl_tcp
    /// connection exists, so the REGISTER_OK event may have been missed: this also polls "reginfo" for "OK".
    /// </summary>
    public async Task WaitForRegistrationAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (TryTake(e => e.Type == "REGISTER_OK") is not null)
            {
                return;
            }
            if (TryTake(e => e.Type == "REGISTER_FAIL") is { } failed)
            {
                throw new InvalidOperationException($"baresip {Options.User} failed to register: {failed.Param}\n{Diagnostics()}");
            }
            var info = (await CommandAsync("reginfo")).Data;
            if (info.Contains("\u001b[32mOK", StringComparison.Ordinal))
            {
                return;
            }
            await Task.WhenAny(WaitForAnyEventAsync(), Task.Delay(200));
        }
        throw new TimeoutException($"baresip {Options.User} did not register within {limit.TotalSeconds:0} s.\n{Diagnostics()}");
    }

    /// <summary>
    /// Returns the first event of <paramref name="type"/> (and matching <paramref name="match"/>) that no earlier wait
    /// has returned, including events that arrived before this call; fails with the phone's log on timeout.
    /// </summary>
    public async Task<BaresipEvent> WaitForEventAsync(string type, TimeSpan? timeout = null, Func<BaresipEvent, bool>? match = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (TryTake(e => e.Type == type && (match is null || match(e))) is { } found)
            {
                return found;
            }
            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero || process.HasExited)
            {
                throw new TimeoutException($"baresip {Options.User}: no {type} event within {limit.TotalSeconds:0} s" +
                                           (process.HasExited ? " (baresip exited)" : "") + $".\n{Diagnostics()}");
            }
            await Task.WhenAny(WaitForAnyEventAsync(), Task.Delay(left));
        }
    }

    /// <summary>All events received so far.</summary>
    public IReadOnlyList<BaresipEvent> ReceivedEvents()
    {
        lock (gate)
        {
            return history.Select(h => h.Event).ToList();
        }
    }

    /// <summary>
    /// sndfile's dumps of what the phone received and decoded, "dump-YYYY-MM-DD-HH-MM-SS-dec.wav", one per call
    /// (named to the second: two calls starting in the same second on one phone share a file). Complete after CALL_CLOSED.
    /// </summary>
    public IReadOnlyList<string> ReceivedAudioFiles() =>
        System.IO.Directory.GetFiles(directory.Path, "dump-*-dec.wav").Order(StringComparer.Ordinal).ToList();

    /// <summary>sndfile's dumps of what the phone sent, "dump-…-enc.wav".</summary>
    public IReadOnlyList<string> SentAudioFiles() =>
        System.IO.Directory.GetFiles(directory.Path, "dump-*-enc.wav").Order(StringComparer.Ordinal).ToList();

    /// <summary>The process log and the last events, for failure messages.</summary>
    public string Diagnostics()
    {
        var recent = ReceivedEvents().TakeLast(20).Select(e => e.Json);
        return $"--- baresip {Options.User} (sip 127.0.0.1:{SipPort}, ctrl {ControlPort}, dir {directory.Path}) events:\n" +
               string.Join('\n', recent) + $"\n--- log:\n{process.Tail()}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            try
            {
                // A clean quit hangs up calls (so sndfile finishes its WAV headers) and unregisters.
                await CommandAsync("quit", timeout: TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is TimeoutException or IOException or SocketException or ObjectDisposedException)
            {
            }
            await process.StopAsync(TimeSpan.FromSeconds(3));
        }
        await stopping.CancelAsync();
        control.Dispose();
        try
        {
            await reader;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
        await process.DisposeAsync();
        stopping.Dispose();
        writeGate.Dispose();
        directory.Dispose();
    }

    private async Task<BaresipResponse> CommandOkAsync(string command, string parameters = "")
    {
        var response = await CommandAsync(command, parameters);
        if (!response.Ok)
        {
            throw new InvalidOperationException($"baresip {Options.User}: '{command} {parameters}' failed: {response.Data}\n{Diagnostics()}");
        }
        return response;
    }

    private BaresipEvent? TryTake(Func<BaresipEvent, bool> match)
    {
        lock (gate)
        {
            for (var i = 0; i < history.Count; i++)
            {
                if (!history[i].Taken && match(history[i].Event))
                {
                    history[i] = (history[i].Event, true);
                    return history[i].Event;
                }
            }
            return null;
        }
    }

    private Task WaitForAnyEventAsync()
    {
        lock (gate)
        {
            return eventArrived.Task;
        }
    }

    // Netstrings (https://cr.yp.to/proto/netstrings.txt): "LEN:" + LEN bytes of JSON + ",".
    private async Task ReadLoopAsync()
    {
        var buffer = new List<byte>();
        var chunk = new byte[65536];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(chunk, stopping.Token);
                if (read == 0)
                {
                    return;
                }
                buffer.AddRange(chunk.AsSpan(0, read));
                while (TryTakeFrame(buffer) is { } json)
                {
                    Dispatch(json);
                }
            }
        }
        finally
        {
            events.Writer.TryComplete();
            lock (gate)
            {
                eventArrived.TrySetResult();
            }
        }
    }

    private static string? TryTakeFrame(List<byte> buffer)
    {
        var colon = buffer.IndexOf((byte)':');
        if (colon < 0)
        {
            return null;
        }
        var length = int.Parse(Encoding.ASCII.GetString(buffer.GetRange(0, colon).ToArray()), CultureInfo.InvariantCulture);
        if (buffer.Count < colon + 1 + length + 1)
        {
            return null;
        }
        var json = Encoding.UTF8.GetString(buffer.GetRange(colon + 1, length).ToArray());
        buffer.RemoveRange(0, colon + 1 + length + 1);
        return json;
    }

    private void Dispatch(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (root.TryGetProperty("response", out _))
        {
            var response = new BaresipResponse(root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True, Text("data") ?? "");
            lock (gate)
            {
                if (Text("token") is { } token && pending.Remove(token, out var waiter))
                {
                    waiter.TrySetResult(response);
                }
            }
            return;
        }
        if (root.TryGetProperty("event", out _))
        {
            var received = new BaresipEvent(Text("type") ?? "", Text("class"), Text("param"), Text("id"), Text("peeruri"), Text("direction"), json);
            events.Writer.TryWrite(received);
            lock (gate)
            {
                history.Add((received, false));
                eventArrived.TrySetResult();
                eventArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private static string AccountLine(BaresipOptions options, int sipPort)
    {
        var answerMode = options.AutoAnswer ? "auto" : "manual";
        return options.Registrar is { } registrar
            ? $"<sip:{options.User}@{registrar};transport=udp>;auth_pass={options.Password};answermode={answerMode};" +
              $"regint={options.RegisterIntervalSeconds};audio_codecs={options.AudioCodecs}"
            : $"<sip:{options.User}@127.0.0.1:{sipPort};transport=udp>;answermode={answerMode};regint=0;audio_codecs={options.AudioCodecs}";
    }

    // Pitfalls (baresip 1.0.0): net_interface must be the address 127.0.0.1 (with "lo" it fails, without it the SDP
    // carries eth0's address); sip_listen also opens TLS on port + 1; audio_player alsa,null needs no sound card.
    private static string Config(string directory, BaresipOptions options, int sipPort, int controlPort, int rtpPorts) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            # Generated by the Lawline peer test harness.
            poll_method		epoll
            sip_listen		127.0.0.1:{sipPort}
            call_local_timeout	120
            call_max_calls		4
            audio_player		alsa,null
            audio_source		aufile,{options.AudioFile}
            audio_alert		alsa,null
            ausrc_srate		8000
            auplay_srate		8000
            ausrc_channels		1
            auplay_channels		1
            audio_buffer		20-160
            rtp_ports		{rtpPorts}-{rtpPorts + 19}
            jitter_buffer_delay	1-10
            module_path		/usr/lib/baresip/modules
            module			g711.so
            module			alsa.so
            module			aufile.so
            module			sndfile.so
            module			ctrl_tcp.so
            module_tmp		account.so
            module_app		menu.so
            snd_path		{directory}
            ctrl_tcp_listen		127.0.0.1:{controlPort}
            net_interface		127.0.0.1
            """);
}
