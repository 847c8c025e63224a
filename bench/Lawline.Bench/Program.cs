using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

// Work-order load benchmark (issue: ≥ 500 creations/s and search p95 < 100 ms on 1,000,000 work orders).
//   dotnet run -c Release --project bench/Lawline.Bench -- [--rows 1000000] [--seconds 15] [--concurrency 4] [--searches 400] [--runs 3] [--warmup 10]
// It builds nothing itself: build the server first (dotnet build -c Release src/Lawline.Server).
var options = BenchOptions.Parse(args);
var root = FindRepositoryRoot();
var serverDll = Path.Combine(root, "src", "Lawline.Server", "bin", "Release", "net10.0", "Lawline.Server.dll");
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"Build the server first: dotnet build -c Release src/Lawline.Server ({serverDll} not found)");
    return 2;
}
var dataDir = Path.Combine(Path.GetTempPath(), "lawline-bench-" + Guid.NewGuid().ToString("N")[..8]);
const string Password = "Bench-12348-pass";
const int Port = 5391;
var baseUrl = $"http://127.0.0.1:{Port}";
Console.WriteLine($"data: {dataDir}; rows: {options.Rows:N0}; runs: {options.Runs}; machine: {Environment.ProcessorCount} cores");

try
{
    // 1. First start: migrations, default taxonomy, a city platform with two districts.
    int[] platformIds;
    string[] categoryCodes;
    using (var server = ServerProcess.Start(serverDll, dataDir, Port, Password))
    {
        await server.WaitHealthyAsync(baseUrl);
        using var http = await ClientAsync(baseUrl, Password);
        var city = await PostAsync(http, "/api/platforms", new { code = "BENCH", name = "基准测试市", kind = "LegalService12348", level = "City" });
        var a = await PostAsync(http, "/api/platforms", new { code = "BENCH-A", name = "基准测试甲区", kind = "LegalService12348", level = "District", parentId = city });
        var b = await PostAsync(http, "/api/platforms", new { code = "BENCH-B", name = "基准测试乙区", kind = "LegalService12348", level = "District", parentId = city });
        platformIds = [city, a, b];
        var taxonomy = await http.GetFromJsonAsync<JsonElement>("/api/taxonomy");
        categoryCodes = [.. taxonomy.EnumerateArray().Where(c => c.GetProperty("level").GetInt32() >= 3).Select(c => c.GetProperty("code").GetString()!)];
    }

    // 2. Bulk load with the server stopped: one transaction, one prepared statement.
    var seed = Stopwatch.StartNew();
    SeedWorkOrders(Path.Combine(dataDir, "lawline.db"), options.Rows, platformIds, categoryCodes);
    Console.WriteLine($"seeded {options.Rows:N0} work orders in {seed.Elapsed.TotalSeconds:F1} s");

    // 3. Measure against the running server.
    using (var server = ServerProcess.Start(serverDll, dataDir, Port, Password))
    {
        await server.WaitHealthyAsync(baseUrl);
        using var http = await ClientAsync(baseUrl, Password);
        // Warm up (JIT, tiered compilation, caches) before measuring, as a server that has been running would be.
        await CreateLoadAsync(baseUrl, Password, platformIds, categoryCodes, options with { Seconds = options.WarmupSeconds });
        await SearchLoadAsync(http, platformIds, categoryCodes, options with { Searches = 100 });
        var creations = new List<double>();
        var p95s = new List<double>();
        var p50s = new List<double>();
        for (var run = 1; run <= options.Runs; run++)
        {
            var perSecond = await CreateLoadAsync(baseUrl, Password, platformIds, categoryCodes, options);
            var (p50, p95) = await SearchLoadAsync(http, platformIds, categoryCodes, options);
            Console.WriteLine($"run {run}: {perSecond:F0} creations/s; search p50 {p50:F1} ms, p95 {p95:F1} ms");
            creations.Add(perSecond);
            p50s.Add(p50);
            p95s.Add(p95);
        }
        Console.WriteLine($"median of {options.Runs}: {Median(creations):F0} creations/s; search p50 {Median(p50s):F1} ms, p95 {Median(p95s):F1} ms");
    }
    return 0;
}
finally
{
    if (!options.Keep)
    {
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }
}

static async Task<double> CreateLoadAsync(string baseUrl, string password, int[] platforms, string[] categories, BenchOptions options)
{
    var clients = new List<HttpClient>();
    for (var i = 0; i < options.Concurrency; i++)
    {
        clients.Add(await ClientAsync(baseUrl, password));
    }
    var created = 0;
    var failed = 0;
    var clock = Stopwatch.StartNew();
    var duration = TimeSpan.FromSeconds(options.Seconds);
    await Task.WhenAll(clients.Select((client, worker) => Task.Run(async () =>
    {
        var random = new Random(worker * 7919 + 17);
        while (clock.Elapsed < duration)
        {
            var body = new
            {
                platformId = platforms[random.Next(platforms.Length)],
                type = "Consultation",
                channel = "Phone",
                urgency = "Normal",
                callerPhone = "139" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture),
                callerType = "Unspecified",
                categoryCode = categories[random.Next(categories.Length)],
                question = "单位拖欠工资三个月，如何维权？",
                answer = "可向劳动人事争议仲裁委员会申请仲裁。",
                completeWith = "AnsweredOnLine",
            };
            using var response = await client.PostAsJsonAsync("/api/work-orders", body);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref created);
            }
            else if (Interlocked.Increment(ref failed) <= 3)
            {
                Console.WriteLine($"  creation failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    })));
    var seconds = clock.Elapsed.TotalSeconds;
    clients.ForEach(c => c.Dispose());
    if (failed > 0)
    {
        Console.WriteLine($"  {failed} creations failed");
    }
    return created / seconds;
}

static async Task<(double P50, double P95)> SearchLoadAsync(HttpClient http, int[] platforms, string[] categories, BenchOptions options)
{
    var random = new Random(4242);
    var topLevel = categories.Select(c => c.Split('.')[0]).Distinct().ToArray();
    var timings = new List<double>();
    var byKind = new Dictionary<int, List<double>>();
    for (var i = 0; i < options.Searches; i++)
    {
        // The searches people run: a caller's number, a category subtree, open orders of a platform this month,
        // overdue orders, a work-order number.
        var url = (i % 5) switch
        {
            0 => $"/api/work-orders?phone=139{random.Next(10_000_000, 99_999_999)}",
            1 => $"/api/work-orders?categoryCode={Uri.EscapeDataString(categories[random.Next(categories.Length)])}",
            2 => $"/api/work-orders?platformId={platforms[random.Next(platforms.Length)]}&from={Uri.EscapeDataString(TimeProvider.System.GetUtcNow().AddDays(-30).ToString("O"))}",
            3 => $"/api/work-orders?overdue=true&categoryCode={Uri.EscapeDataString(topLevel[random.Next(topLevel.Length)])}",
            _ => $"/api/work-orders?number=BENCH-A-{TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-random.Next(1, 300)):yyyyMMdd}-0000{random.Next(1, 9)}",
        };
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        timings.Add(watch.Elapsed.TotalMilliseconds);
        (byKind.TryGetValue(i % 5, out var list) ? list : byKind[i % 5] = []).Add(watch.Elapsed.TotalMilliseconds);
    }
    string[] kinds = ["phone", "category", "platform+month", "overdue+root", "number"];
    Console.WriteLine("  p95 by search: " + string.Join(", ", byKind.OrderBy(k => k.Key)
        .Select(k => $"{kinds[k.Key]} {k.Value.Order().ElementAt((int)Math.Ceiling(k.Value.Count * 0.95) - 1):F0} ms")));
    timings.Sort();
    return (timings[timings.Count / 2], timings[(int)Math.Ceiling(timings.Count * 0.95) - 1]);
}

static void SeedWorkOrders(string databasePath, int rows, int[] platforms, string[] categories)
{
    using var connection = new SqliteConnection($"Data Source={databasePath}");
    connection.Open();
    var ids = new Dictionary<string, long>();
    using (var read = connection.CreateCommand())
    {
        read.CommandText = "SELECT Code, Id FROM Categories";
        using var reader = read.ExecuteReader();
        while (reader.Read()) { ids[reader.GetString(0)] = reader.GetInt64(1); }
    }
    var platformCodes = new Dictionary<int, string>();
    using (var read = connection.CreateCommand())
    {
        read.CommandText = "SELECT Id, Code FROM Platforms";
        using var reader = read.ExecuteReader();
        while (reader.Read()) { platformCodes[reader.GetInt32(0)] = reader.GetString(1); }
    }
    var toBinary = new DateTimeOffsetToBinaryConverter();
    using var transaction = connection.BeginTransaction();
    using var insert = connection.CreateCommand();
    insert.Transaction = transaction;
    insert.CommandText = """
        INSERT INTO WorkOrders (PlatformId, Number, Type, Channel, Urgency, Status, CallerPhoneE164, CallerProvince, CallerCity, CallerType,
            CategoryId, CategoryCode, Question, Answer, Outcome, GuidanceSmsSent, OwnerUserId, OwnerName, Tags, CreatedAt, DueAt, CompletedAt,
            ReopenCount, Version)
        VALUES ($p, $n, 'Consultation', 'Phone', 'Normal', $s, $phone, '湖北省', '武汉市', 'Unspecified', $cid, $code, $q, $a, $o, 0, 1, '基准', '[]',
            $created, $due, $completed, 0, 1)
        """;
    var parameters = new[] { "$p", "$n", "$s", "$phone", "$cid", "$code", "$q", "$a", "$o", "$created", "$due", "$completed" }
        .ToDictionary(n => n, n => insert.Parameters.Add(n, SqliteType.Text));
    insert.Prepare();
    var random = new Random(12348);
    var start = TimeProvider.System.GetUtcNow().AddDays(-365);
    var perDay = new Dictionary<(int, DateOnly), int>();
    for (var i = 0; i < rows; i++)
    {
        var platform = platforms[random.Next(platforms.Length)];
        var created = start.AddSeconds(i * (365.0 * 86400 / rows));
        var day = DateOnly.FromDateTime(created.UtcDateTime.AddHours(8));
        var seq = perDay[(platform, day)] = perDay.GetValueOrDefault((platform, day)) + 1;
        var code = categories[random.Next(categories.Length)];
        var open = random.Next(20) == 0;
        parameters["$p"].Value = platform;
        parameters["$n"].Value = $"{platformCodes[platform]}-{day:yyyyMMdd}-{seq:D5}";
        parameters["$s"].Value = open ? "InProgress" : "Completed";
        parameters["$phone"].Value = "+86139" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        parameters["$cid"].Value = ids[code];
        parameters["$code"].Value = code;
        parameters["$q"].Value = "咨询劳动合同解除后的经济补偿如何计算";
        parameters["$a"].Value = "依照劳动合同法第四十七条计算";
        parameters["$o"].Value = open ? "None" : "AnsweredOnLine";
        parameters["$created"].Value = toBinary.ConvertToProvider(created);
        parameters["$due"].Value = toBinary.ConvertToProvider(created.AddDays(3));
        parameters["$completed"].Value = open ? DBNull.Value : toBinary.ConvertToProvider(created.AddMinutes(8));
        insert.ExecuteNonQuery();
    }
    // The numbering continues where the seeded orders end, as it would on a live system.
    using var sequence = connection.CreateCommand();
    sequence.Transaction = transaction;
    sequence.CommandText = "INSERT INTO WorkOrderSequences (PlatformId, Day, Last) VALUES ($p, $d, $l)";
    var sp = sequence.Parameters.Add("$p", SqliteType.Integer);
    var sd = sequence.Parameters.Add("$d", SqliteType.Text);
    var sl = sequence.Parameters.Add("$l", SqliteType.Integer);
    foreach (var ((platform, day), last) in perDay)
    {
        sp.Value = platform;
        sd.Value = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        sl.Value = last;
        sequence.ExecuteNonQuery();
    }
    transaction.Commit();
}

static async Task<HttpClient> ClientAsync(string baseUrl, string password)
{
    var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    using var response = await http.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password });
    response.EnsureSuccessStatusCode();
    var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return http;
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

static double Median(List<double> values)
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

internal sealed record BenchOptions(int Rows, int Seconds, int Concurrency, int Searches, int Runs, bool Keep, int WarmupSeconds)
{
    public static BenchOptions Parse(string[] args)
    {
        int Int(string name, int fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
        }
        return new BenchOptions(Int("--rows", 1_000_000), Int("--seconds", 15), Int("--concurrency", 4), Int("--searches", 400), Int("--runs", 3),
            args.Contains("--keep"), Int("--warmup", 10));
    }
}

internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process) => _process = process;

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
