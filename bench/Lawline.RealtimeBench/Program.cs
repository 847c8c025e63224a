using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

// Routing hub delivery benchmark (issue: every agent state change reaches the desktops and supervisors within 1 s
// p99, with 200 desktops and 20 supervisors connected).
//   dotnet run -c Release --project bench/Lawline.RealtimeBench -- [--agents 200] [--supervisors 20] [--rate 20] [--seconds 60] [--runs 3] [--markdown]
// It builds nothing itself: build the server first (dotnet build -c Release src/Lawline.Server).
var options = RealtimeOptions.Parse(args);
const int Districts = 4;
var root = FindRepositoryRoot();
var serverDll = Path.Combine(root, "src", "Lawline.Server", "bin", "Release", "net10.0", "Lawline.Server.dll");
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"Build the server first: dotnet build -c Release src/Lawline.Server ({serverDll} not found)");
    return 2;
}
if (options.Supervisors % (Districts + 1) != 0)
{
    Console.Error.WriteLine($"--supervisors must be a multiple of {Districts + 1} (as many on the city platform as on each district).");
    return 2;
}

var dataDir = Path.Combine(Path.GetTempPath(), "lawline-realtime-" + Guid.NewGuid().ToString("N")[..8]);
const string AdminPassword = "Bench-12348-pass";
const string UserPassword = "Bench-desk-2468";
var baseUrl = $"http://127.0.0.1:{options.Port}";
Console.WriteLine($"data: {dataDir}; {options.Agents} agents, {options.Supervisors} supervisors; {options.Rate}/s for {options.Seconds} s x {options.Runs}; machine: {Environment.ProcessorCount} cores");

var connections = new List<HubConnection>();
try
{
    using var server = ServerProcess.Start(serverDll, dataDir, options.Port, AdminPassword);
    await server.WaitHealthyAsync(baseUrl);
    using var admin = await SignInAsync(baseUrl, "admin", AdminPassword);

    // 1. A city platform with four districts; agents spread over the districts; supervisors split evenly between the
    // city (who see every district) and the districts.
    var setup = Stopwatch.StartNew();
    var city = await PostAsync(admin, "/api/platforms", new { code = "RT", name = "实时基准市", kind = "LegalService12348", level = "City" });
    var districts = new int[Districts];
    var firms = new int[Districts];
    for (var d = 0; d < Districts; d++)
    {
        districts[d] = await PostAsync(admin, "/api/platforms", new { code = $"RT-{d + 1}", name = $"实时基准{d + 1}区", kind = "LegalService12348", level = "District", parentId = city });
        firms[d] = await PostAsync(admin, "/api/law-firms", new { platformId = districts[d], name = $"基准律师事务所{d + 1}", address = "武汉市江岸区测试路1号", contactName = "张主任", contactPhone = "027-85551234" });
    }

    var desks = await CreateAllAsync(options.Agents, async i =>
    {
        var d = i % Districts;
        // 远程坐席 with a mobile: routable without a registered phone, so the desk can go ready with telephony off.
        var agentId = await PostAsync(admin, "/api/agents", new
        {
            platformId = districts[d], kind = "DutyLawyer", name = $"基准律师{i:D3}", mobile = $"139{i:D8}",
            licenseNumber = $"1{i:D16}", lawFirmId = firms[d], admittedOn = "2024-03-01", remoteSeat = true,
        });
        var user = $"rt-agent-{i:D3}";
        await PostAsync(admin, "/api/users", new { userName = user, displayName = $"基准律师{i:D3}", password = UserPassword, platformId = districts[d], roles = new[] { "Agent" }, agentId });
        return new Participant(user, agentId, districts[d], await TokenAsync(admin, user, UserPassword));
    });
    var perPlatform = options.Supervisors / (Districts + 1);
    var supervisors = await CreateAllAsync(options.Supervisors, async i =>
    {
        var platform = i < perPlatform ? city : districts[(i - perPlatform) / perPlatform];
        var user = $"rt-supervisor-{i:D2}";
        await PostAsync(admin, "/api/users", new { userName = user, displayName = $"基准班长{i:D2}", password = UserPassword, platformId = platform, roles = new[] { "Supervisor" } });
        return new Participant(user, null, platform, await TokenAsync(admin, user, UserPassword));
    });
    Console.WriteLine($"created {desks.Count} agents with accounts and {supervisors.Count} supervisors in {setup.Elapsed.TotalSeconds:F0} s");

    // 2. Every desktop and supervisor connects over WebSockets.
    var deliveries = new Deliveries();
    var connect = Stopwatch.StartNew();
    foreach (var batch in desks.Concat(supervisors).Chunk(20))
    {
        connections.AddRange(await Task.WhenAll(batch.Select(p => ConnectAsync(baseUrl, p, deliveries))));
    }
    Console.WriteLine($"connected {connections.Count} WebSockets in {connect.Elapsed.TotalSeconds:F1} s");

    // Who should receive a change of each agent: the agent's own desktop, the city's supervisors and the district's.
    var expectedReceivers = desks.ToDictionary(d => d.AgentId!.Value, d => 1 + supervisors.Count(s => s.PlatformId == city || s.PlatformId == d.PlatformId));
    var agentClients = desks.ToDictionary(d => d.AgentId!.Value, d => Client(baseUrl, d.Token));

    // 3. Warm-up (not measured): every agent signs in ready once (the first change loads them into the router).
    await Task.WhenAll(desks.Select(d => SetStateAsync(agentClients[d.AgentId!.Value], "ready")));
    await Task.Delay(TimeSpan.FromSeconds(2));

    var results = new List<RunResult>();
    for (var run = 1; run <= options.Runs; run++)
    {
        var result = await MeasureAsync(options, desks, agentClients, expectedReceivers, deliveries, server);
        Console.WriteLine($"run {run}: {result.Changes} changes, {result.Delivered}/{result.Expected} deliveries; delivery p50 {result.P50:F1} ms, p99 {result.P99:F1} ms, max {result.Max:F1} ms; "
            + $"API p50 {result.ApiP50:F1} ms, p99 {result.ApiP99:F1} ms; server CPU {result.ServerCpu:P0} of {Environment.ProcessorCount} cores; {result.FailedRequests} failed requests");
        results.Add(result);
    }

    var median = new RunResult(
        (int)Median(results.Select(r => (double)r.Changes)), (long)Median(results.Select(r => (double)r.Expected)), (long)Median(results.Select(r => (double)r.Delivered)),
        Median(results.Select(r => r.P50)), Median(results.Select(r => r.P99)), Median(results.Select(r => r.Max)),
        Median(results.Select(r => r.ApiP50)), Median(results.Select(r => r.ApiP99)), Median(results.Select(r => r.ServerCpu)),
        (int)Median(results.Select(r => (double)r.FailedRequests)));
    Console.WriteLine($"median of {options.Runs}: delivery p50 {median.P50:F1} ms, p99 {median.P99:F1} ms, max {median.Max:F1} ms; {median.Delivered}/{median.Expected} delivered; "
        + $"target p99 < 1000 ms: {(median.P99 < 1000 && median.Delivered == median.Expected ? "met" : "NOT met")}");
    if (options.Markdown)
    {
        Console.WriteLine();
        Console.WriteLine($"{desks.Count} desktops + {supervisors.Count} supervisors over WebSockets, {options.Rate} state changes/s for {options.Seconds} s, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| Run | Changes | Deliveries (received/expected) | p50 (ms) | p99 (ms) | max (ms) | API p50 (ms) | API p99 (ms) | Server CPU |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (r, i) in results.Select((r, i) => (r, i)))
        {
            Console.WriteLine(Row((i + 1).ToString(CultureInfo.InvariantCulture), r));
        }
        Console.WriteLine(Row("**median**", median));
    }

    foreach (var client in agentClients.Values)
    {
        client.Dispose();
    }
    return 0;
}
finally
{
    await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
    if (!options.Keep)
    {
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }
}

static string Row(string label, RunResult r) => string.Create(CultureInfo.InvariantCulture,
    $"| {label} | {r.Changes} | {r.Delivered}/{r.Expected} | {r.P50:F1} | {r.P99:F1} | {r.Max:F1} | {r.ApiP50:F1} | {r.ApiP99:F1} | {r.ServerCpu:P0} |");

static async Task<RunResult> MeasureAsync(
    RealtimeOptions options,
    List<Participant> desks,
    Dictionary<int, HttpClient> clients,
    Dictionary<int, int> expectedReceivers,
    Deliveries deliveries,
    ServerProcess server)
{
    deliveries.Reset();
    var apiTimings = new ConcurrentBag<double>();
    var failed = 0;
    var total = options.Rate * options.Seconds;
    long expected = 0;
    var requests = new List<Task>(total);
    var cpuBefore = server.CpuTime;
    var clock = Stopwatch.StartNew();
    // Round robin over the agents, alternating break and ready: an agent changes every agents/rate seconds, long after
    // its previous change was delivered, so a message is matched to its change by agent and new state.
    for (var i = 0; i < total; i++)
    {
        var due = TimeSpan.FromSeconds((double)i / options.Rate);
        if (due > clock.Elapsed)
        {
            await Task.Delay(due - clock.Elapsed);
        }
        var desk = desks[i % desks.Count];
        var agentId = desk.AgentId!.Value;
        var toBreak = deliveries.NextIsBreak(agentId);
        expected += expectedReceivers[agentId];
        requests.Add(Task.Run(async () =>
        {
            var sent = Stopwatch.GetTimestamp();
            deliveries.Expect(agentId, toBreak ? "NotReady" : "Ready", sent);
            var ok = await SetStateAsync(clients[agentId], toBreak ? "notReady" : "ready", toBreak ? "break" : null);
            apiTimings.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            if (!ok)
            {
                Interlocked.Increment(ref failed);
            }
        }));
    }
    await Task.WhenAll(requests);
    var wall = clock.Elapsed;
    var cpu = server.CpuTime - cpuBefore;
    // Late messages still count (and show in the max): wait for the stragglers before counting.
    await Task.Delay(TimeSpan.FromSeconds(3));
    var latencies = deliveries.Latencies();
    var api = apiTimings.Order().ToList();
    return new RunResult(total, expected, latencies.Count,
        Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count > 0 ? latencies[^1] : double.NaN,
        Percentile(api, 0.50), Percentile(api, 0.99),
        cpu.TotalSeconds / wall.TotalSeconds / Environment.ProcessorCount, failed);
}

static async Task<List<Participant>> CreateAllAsync(int count, Func<int, Task<Participant>> create)
{
    // Password hashing dominates: a few at a time keep both cores busy without timing out requests.
    using var gate = new SemaphoreSlim(4);
    return [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
    {
        await gate.WaitAsync();
        try { return await create(i); }
        finally { gate.Release(); }
    }))];
}

static async Task<HubConnection> ConnectAsync(string baseUrl, Participant participant, Deliveries deliveries)
{
    var connection = new HubConnectionBuilder()
        .WithUrl($"{baseUrl}/hubs/routing", options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.AccessTokenProvider = () => Task.FromResult<string?>(participant.Token);
        })
        .Build();
    connection.On<AgentStateMessage>("agentState", message => deliveries.Received(message.AgentId, message.To));
    await connection.StartAsync();
    return connection;
}

static async Task<bool> SetStateAsync(HttpClient client, string state, string? reason = null)
{
    using var response = await client.PutAsJsonAsync("/api/routing/me/state", new { state, reason });
    if (!response.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"  PUT /api/routing/me/state {state}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
    return response.IsSuccessStatusCode;
}

static HttpClient Client(string baseUrl, string token)
{
    var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return http;
}

static async Task<HttpClient> SignInAsync(string baseUrl, string user, string password)
{
    var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, user, password));
    return http;
}

static async Task<string> TokenAsync(HttpClient http, string user, string password)
{
    using var response = await http.PostAsJsonAsync("/api/auth/token", new { userName = user, password });
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"sign-in of {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
}

static async Task<int> PostAsync(HttpClient http, string path, object body)
{
    using var response = await http.PostAsJsonAsync(path, body);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
}

static double Percentile(List<double> sorted, double p)
    => sorted.Count == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count * p) - 1)];

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Lawline.slnx")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("Run the benchmark from inside the repository.");
}

/// <summary>What the hub sends as <c>agentState</c> (only the fields the benchmark matches on).</summary>
internal sealed record AgentStateMessage(int AgentId, int? PlatformId, string From, string To);

internal sealed record Participant(string UserName, int? AgentId, int PlatformId, string Token);

internal sealed record RunResult(int Changes, long Expected, long Delivered, double P50, double P99, double Max, double ApiP50, double ApiP99, double ServerCpu, int FailedRequests);

/// <summary>
/// The change each agent is waiting to see delivered (its new state and when the API call started) and the latency
/// of every receipt that matches it, on whichever connection it arrives.
/// </summary>
internal sealed class Deliveries
{
    private readonly ConcurrentDictionary<int, (string To, long Sent)> pending = new();
    private readonly ConcurrentDictionary<int, bool> nextIsBreak = new();
    private ConcurrentBag<double> latencies = [];

    public bool NextIsBreak(int agentId)
    {
        var next = nextIsBreak.GetOrAdd(agentId, true);
        nextIsBreak[agentId] = !next;
        return next;
    }

    public void Expect(int agentId, string to, long sent) => pending[agentId] = (to, sent);

    public void Received(int agentId, string to)
    {
        var now = Stopwatch.GetTimestamp();
        if (pending.TryGetValue(agentId, out var change) && change.To == to)
        {
            latencies.Add(Stopwatch.GetElapsedTime(change.Sent, now).TotalMilliseconds);
        }
    }

    public void Reset()
    {
        pending.Clear();
        latencies = [];
    }

    public List<double> Latencies() => [.. latencies.Order()];
}

internal sealed record RealtimeOptions(int Agents, int Supervisors, int Rate, int Seconds, int Runs, int Port, bool Markdown, bool Keep)
{
    public static RealtimeOptions Parse(string[] args)
    {
        int Int(string name, int fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
        }
        return new RealtimeOptions(Int("--agents", 200), Int("--supervisors", 20), Int("--rate", 20), Int("--seconds", 60), Int("--runs", 3),
            Int("--port", 5393), args.Contains("--markdown"), args.Contains("--keep"));
    }
}

internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process) => _process = process;

    /// <summary>The server's CPU time so far (user and kernel, every thread).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static ServerProcess Start(string dll, string dataDir, int port, string password)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, $"--urls=http://127.0.0.1:{port}", $"--Lawline:DataDirectory={dataDir}", "--Logging:LogLevel:Default=Warning", "--Sip:Enabled=false" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["LAWLINE_ADMIN_PASSWORD"] = password;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && (e.Data.StartsWith("fail", StringComparison.Ordinal) || e.Data.Contains("Exception", StringComparison.Ordinal)))
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("server: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process);
    }

    public async Task WaitHealthyAsync(string baseUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                using var response = await http.GetAsync("/health");
                if (response.IsSuccessStatusCode) { return; }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (_process.HasExited) { throw new InvalidOperationException($"The server exited with code {_process.ExitCode}."); }
            await Task.Delay(250);
        }
        throw new TimeoutException("The server did not become healthy in 3 minutes.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
