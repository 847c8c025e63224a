using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Lawline.Server.Tests.Sms;

/// <summary>
/// A real Kannel (Debian's bearerbox and smsbox) on loopback with a generated kannel.conf in a temporary directory:
/// one SMPP transceiver link to <see cref="FakeSmsc"/>, in-memory delivery reports, and a sendsms user that may
/// split a message into up to 10 concatenated parts. Logs stay in the directory; the processes die with the test.
/// </summary>
public sealed class KannelGateway : IAsyncDisposable
{
    public const string Bearerbox = "/usr/sbin/bearerbox";
    public const string Smsbox = "/usr/sbin/smsbox";

    private readonly string _config;
    private readonly FakeSmsc _smsc;
    private Process? _bearerbox;
    private Process? _smsbox;

    private readonly string? _moUrl;

    private KannelGateway(FakeSmsc smsc, string? moUrl)
    {
        _smsc = smsc;
        _moUrl = moUrl;
        Directory = Path.Combine(Path.GetTempPath(), "lawline-kannel-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        AdminPort = FreePort();
        SmsboxPort = FreePort();
        SendsmsPort = FreePort();
        Password = "pw" + Guid.NewGuid().ToString("N")[..12];
        _config = Path.Combine(Directory, "kannel.conf");
        File.WriteAllText(_config, Config());
    }

    public string Directory { get; }

    public int AdminPort { get; }

    public int SmsboxPort { get; }

    public int SendsmsPort { get; }

    public string Username { get; } = "lawline";

    public string Password { get; }

    public string GatewayUrl => $"http://127.0.0.1:{SendsmsPort}";

    /// <param name="moUrl">Where smsbox forwards messages from handsets (MO); Kannel's escapes (%p, %b, %c) are filled in.</param>
    public static async Task<KannelGateway> StartAsync(FakeSmsc smsc, string? moUrl = null)
    {
        if (!File.Exists(Bearerbox) || !File.Exists(Smsbox))
        {
            throw new InvalidOperationException(
                "Kannel is not installed (no /usr/sbin/bearerbox or /usr/sbin/smsbox): apt-get install kannel (scripts/test.sh installs it).");
        }
        var kannel = new KannelGateway(smsc, moUrl);
        try
        {
            await kannel.StartProcessesAsync();
        }
        catch
        {
            await kannel.DisposeAsync();
            throw;
        }
        return kannel;
    }

    /// <summary>Starts bearerbox and smsbox and waits until the SMSC link is bound and sendsms listens.</summary>
    public async Task StartProcessesAsync()
    {
        var binds = _smsc.Binds;
        _bearerbox = Start(Bearerbox, "bearerbox");
        await WaitAsync(() => IsListening(SmsboxPort), "bearerbox to listen for smsbox");
        _smsbox = Start(Smsbox, "smsbox");
        await WaitAsync(() => IsListening(SendsmsPort), "smsbox to listen for sendsms");
        await WaitAsync(() => _smsc.Binds > binds, "bearerbox to bind to the fake SMSC");
    }

    /// <summary>Kills both boxes (the gateway is down: sendsms refuses connections).</summary>
    public async Task StopAsync()
    {
        foreach (var process in new[] { _smsbox, _bearerbox })
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process?.Dispose();
        }
        _smsbox = null;
        _bearerbox = null;
        await WaitAsync(() => !IsListening(SendsmsPort), "smsbox to stop listening");
    }

    /// <summary>The boxes' logs, for a failing test's message.</summary>
    public string Logs()
    {
        var logs = System.IO.Directory.GetFiles(Directory, "*.log")
            .Select(f => $"--- {Path.GetFileName(f)}\n{Tail(File.ReadAllText(f))}");
        return string.Join("\n", logs);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Process Start(string program, string name)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        info.ArgumentList.Add(_config);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = File.CreateText(Path.Combine(Directory, name + ".out"));
        output.AutoFlush = true;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 150; i++)
        {
            if (condition())
            {
                return;
            }
            if (_bearerbox is { HasExited: true } || _smsbox is { HasExited: true })
            {
                break;
            }
            await Task.Delay(100);
        }
        if (!condition())
        {
            throw new InvalidOperationException($"Kannel: timed out waiting for {what}.\n{Logs()}");
        }
    }

    private string Config()
    {
        var dir = Directory;
        string P(int port) => port.ToString(CultureInfo.InvariantCulture);
        return $"""
            group = core
            admin-port = {P(AdminPort)}
            admin-password = {Password}
            admin-allow-ip = "127.0.0.1"
            smsbox-port = {P(SmsboxPort)}
            box-allow-ip = "127.0.0.1"
            log-file = "{dir}/bearerbox.log"
            log-level = 0
            access-log = "{dir}/access.log"
            dlr-storage = internal

            group = smsc
            smsc = smpp
            smsc-id = fakesmsc
            host = 127.0.0.1
            port = {P(_smsc.Port)}
            transceiver-mode = true
            smsc-username = "{_smsc.SystemId}"
            smsc-password = "{_smsc.Password}"
            system-type = ""
            msg-id-type = 0x00
            enquire-link-interval = 30
            reconnect-delay = 1
            log-file = "{dir}/smsc.log"
            log-level = 0

            group = smsbox
            bearerbox-host = 127.0.0.1
            bearerbox-port = {P(SmsboxPort)}
            sendsms-port = {P(SendsmsPort)}
            log-file = "{dir}/smsbox.log"
            log-level = 0
            access-log = "{dir}/smsbox-access.log"

            group = sendsms-user
            username = {Username}
            password = {Password}
            concatenation = true
            max-messages = 10
            user-allow-ip = "127.0.0.1"

            group = sms-service
            keyword = default
            {(_moUrl is null ? "text = \"\"" : $"get-url = \"{_moUrl}\"\nmax-messages = 0")}
            omit-empty = true

            """;
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
