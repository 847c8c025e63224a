using System.Diagnostics;
using static Lawline.RoutingSim.DayReport;

namespace Lawline.RoutingSim;

/// <summary>Decision time percentiles per router operation and phase, in microseconds.</summary>
internal sealed record LatencyReport(TimeSpan ConfigureTime, IReadOnlyList<(string Phase, DecisionLatency.Samples Samples)> Phases, TimeSpan WallTime)
{
    private static readonly Dictionary<DecisionLatency.Operation, string> Names = new()
    {
        [DecisionLatency.Operation.EnqueueOffered] = "Enqueue → offered at once",
        [DecisionLatency.Operation.EnqueueWaits] = "Enqueue → waits",
        [DecisionLatency.Operation.WrapUpDoneOffered] = "WrapUpDone → next offer",
        [DecisionLatency.Operation.WrapUpDoneIdle] = "WrapUpDone → agent idle",
        [DecisionLatency.Operation.CallEnded] = "CallEnded (→ wrap-up)",
        [DecisionLatency.Operation.Answered] = "Answered",
        [DecisionLatency.Operation.RingNoAnswer] = "RingNoAnswer → re-offer",
        [DecisionLatency.Operation.SetReady] = "SetReady",
        [DecisionLatency.Operation.Abandon] = "Abandon",
        [DecisionLatency.Operation.Timer] = "timer (thresholds)",
        [DecisionLatency.Operation.FixedWork] = "fixed work (noise floor)",
    };

    public void Print(bool markdown)
    {
        Console.WriteLine(Invariant($"""

            ## Router decision latency: 1,000 agents, 10 platforms × 5 skills = 50 queues

            Configure: {ConfigureTime.TotalMilliseconds:0.0} ms (the first call, JIT included). Every router call timed alone with Stopwatch.GetTimestamp; wall time {WallTime.TotalSeconds:0.0} s.

            """));
        var table = new Table("phase", "operation", "count", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "mean µs");
        table.LeftAligned.Add(1);
        foreach (var (phase, samples) in Phases)
        {
            foreach (var operation in Enum.GetValues<DecisionLatency.Operation>().Where(o => o != DecisionLatency.Operation.FixedWork))
            {
                if (samples.Of(operation).Count > 0)
                {
                    table.Add([phase, Names[operation], .. Describe(samples.Of(operation))]);
                }
            }

            table.Add([phase, "**every router call**", .. Describe(samples.RouterCalls)]);
            table.Add([phase, Names[DecisionLatency.Operation.FixedWork], .. Describe(samples.Of(DecisionLatency.Operation.FixedWork))]);
        }

        Console.WriteLine(table.Render(markdown));
        foreach (var (phase, samples) in Phases)
        {
            var p99 = Microseconds(Percentile([.. samples.RouterCalls.Order()], 0.99));
            var (slowest, slowestP99) = Enum.GetValues<DecisionLatency.Operation>()
                .Where(o => o != DecisionLatency.Operation.FixedWork && samples.Of(o).Count >= 100)
                .Select(o => (Operation: o, P99: Microseconds(Percentile([.. samples.Of(o).Order()], 0.99))))
                .MaxBy(x => x.P99);
            Console.WriteLine(Invariant($"""
                - {phase}: at the end {samples.Busy} agents ringing or talking, {samples.Waiting} calls waiting; {samples.Gen0Collections} gen-0 GCs.
                  p99 of every router call {p99:0.0} µs; slowest operation by p99: {Names[slowest]} {slowestP99:0.0} µs ({(slowestP99 < 1000 ? "within" : "MISSES")} the 1 ms target).
                """));
            if (samples.Note is { } note)
            {
                Console.WriteLine($"  {note}");
            }
        }

        Console.WriteLine();
    }

    private static string[] Describe(IReadOnlyList<long> ticks)
    {
        var sorted = ticks.Order().ToList();
        return
        [
            Invariant($"{sorted.Count:N0}"),
            Invariant($"{Microseconds(Percentile(sorted, 0.5)):0.0}"),
            Invariant($"{Microseconds(Percentile(sorted, 0.99)):0.0}"),
            Invariant($"{Microseconds(Percentile(sorted, 0.999)):0.0}"),
            Invariant($"{Microseconds(sorted[^1]):0.0}"),
            Invariant($"{Microseconds((long)sorted.Average()):0.0}"),
        ];
    }

    /// <summary>Nearest rank: the smallest sample with at least that share of samples at or below it.</summary>
    private static long Percentile(List<long> sorted, double share) => sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Count) - 1)];

    private static double Microseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
