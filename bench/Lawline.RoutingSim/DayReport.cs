using System.Globalization;
using Lawline.Server.Routing;

namespace Lawline.RoutingSim;

/// <summary>Every configuration simulated on the same arrivals for each seed, and the medians over the seeds beside Erlang C.</summary>
internal sealed class DayReport
{
    private readonly BeijingDay _day;
    private readonly IReadOnlyList<RoutingSetup> _setups;
    private readonly IReadOnlyList<int> _seeds;
    private readonly ClockStepping _clock;

    /// <summary>Results by setup, one per seed in seed order.</summary>
    private readonly Dictionary<string, List<DayResult>> _results = [];

    private DayReport(BeijingDay day, IReadOnlyList<RoutingSetup> setups, IReadOnlyList<int> seeds, ClockStepping clock)
    {
        _day = day;
        _setups = setups;
        _seeds = seeds;
        _clock = clock;
        Prediction = ErlangC.Predict(day);
    }

    public ErlangC.Day Prediction { get; }

    public static DayReport Run(SimulationArguments arguments)
    {
        var day = BeijingDay.Instance;
        var seeds = Enumerable.Range(arguments.FirstSeed, arguments.Seeds).ToList();
        var report = new DayReport(day, RoutingSetup.All(day), seeds, arguments.Clock);
        foreach (var seed in seeds)
        {
            var callers = ArrivalSample.Draw(day, seed);
            foreach (var setup in report._setups)
            {
                var result = DaySimulation.Run(day, setup, callers, arguments.Clock);
                if (!report._results.TryGetValue(setup.Name, out var list))
                {
                    report._results[setup.Name] = list = [];
                }

                list.Add(result);
                if (!arguments.Markdown)
                {
                    Console.Error.WriteLine(Invariant($"seed {seed} {setup.Name,-18} requests {result.Requests} answered {result.Answered} in 15 s {Percent(result.ServiceLevel)} ASA {result.AverageSpeedOfAnswer:0.0} s abandoned {Percent(result.AbandonmentRate)} ({result.WallTime.TotalMilliseconds:0} ms)"));
                }
            }
        }

        return report;
    }

    private string Seeds => _seeds.Count == 1 ? Invariant($"seed {_seeds[0]}") : Invariant($"medians of {_seeds.Count} seeds, {_seeds[0]}–{_seeds[^1]}");

    public void Print(bool markdown)
    {
        var seats = _day.Seats.Values.Sum();
        var peak = Enumerable.Range(0, 24).Max(_day.StaffedIn);
        var agentHours = Enumerable.Range(0, 24).Sum(_day.StaffedIn);
        var load = Prediction.Hours.Sum(h => h.Load);
        Console.WriteLine(Invariant($"""

            ## Routing simulation: a Beijing-scale day ({Seeds}; clock stepping: {_clock})

            {_day.RequestsPerDay:N0} requests for an agent expected; {seats} seats, at most {peak} staffed (the 10:00 peak), {agentHours} staffed agent-hours;
            offered load {load:0} Erlang-hours (mean handle time {_day.MeanHandleTime.TotalSeconds:0} s = ring + talk {_day.TalkMean.TotalSeconds:0} s + wrap-up {_day.WrapUp.TotalSeconds:0} s); patience exponential, mean {_day.PatienceMean.TotalSeconds:0} s.

            """));

        var kpis = new Table("configuration", "requests", "answered", "接通率", "及时率 (15 s ÷ answered)", "SL (15 s ÷ requests)", "ASA s", "abandoned", "occupancy", "AHT s", "via overflow", "wall ms/day");
        foreach (var setup in _setups)
        {
            var results = _results[setup.Name];
            kpis.Add(
                setup.Name,
                Invariant($"{Median(results, r => r.Requests):N0}"),
                Invariant($"{Median(results, r => r.Answered):N0}"),
                Percent(Median(results, r => r.ConnectionRate)),
                Percent(Median(results, r => r.TimelyAnswerRate)),
                Percent(Median(results, r => r.ServiceLevel)),
                Invariant($"{Median(results, r => r.AverageSpeedOfAnswer):0.0}"),
                Percent(Median(results, r => r.AbandonmentRate)),
                Percent(Median(results, r => r.Occupancy)),
                Invariant($"{Median(results, r => r.AverageHandleTime):0}"),
                Percent(Median(results, r => r.OverflowShare)),
                Invariant($"{Median(results, r => r.WallTime.TotalMilliseconds):0}"));
        }

        var requests = Prediction.Hours.Sum(h => h.ArrivalsPerHour);
        kpis.Add(
            "Erlang C, pooled load",
            Invariant($"{requests:N0}"),
            Invariant($"{requests:N0}"),
            Percent(1),
            Percent(Prediction.ServiceLevel),
            Percent(Prediction.ServiceLevel),
            Invariant($"{Prediction.AverageSpeedOfAnswer:0.0}"),
            "—",
            Percent(Prediction.Occupancy),
            Invariant($"{_day.MeanHandleTime.TotalSeconds:0}"),
            "—",
            "—");
        Console.WriteLine(kpis.Render(markdown));
        foreach (var setup in _setups)
        {
            Console.WriteLine($"- {setup.Name}: {setup.Description}");
        }

        Console.WriteLine(Invariant($"""
            - Erlang C: M/M/N per hour for all calls and all staffed agents, P(wait) {Percent(Prediction.WaitProbability)} over the day, {Prediction.UnstableHours} unstable hours; no abandonment, no ring-outs.

            """));

        var hourly = new Table(["hour", "requests/h", "staffed", "Erlang C load", "Erlang C SL", .. _setups.Select(s => $"SL {s.Name}")]);
        foreach (var hour in Prediction.Hours)
        {
            hourly.Add([
                Invariant($"{hour.Index:00}:00"),
                Invariant($"{hour.ArrivalsPerHour:0}"),
                Invariant($"{hour.Agents}"),
                Invariant($"{hour.Load:0.0} ({Percent(hour.Occupancy)})"),
                Percent(hour.ServiceLevel),
                .. _setups.Select(s => Percent(Median(_results[s.Name], r => r.Hours[hour.Index].ServiceLevel))),
            ]);
        }

        Console.WriteLine("SL by hour of arrival (answered within 15 s ÷ requests), medians:");
        Console.WriteLine();
        Console.WriteLine(hourly.Render(markdown));

        var segments = new Table(["callers", .. _setups.Select(s => $"SL {s.Name}"), .. _setups.Select(s => $"abandoned {s.Name}")]);
        foreach (var segment in _results[_setups[0].Name][0].Segments.Keys)
        {
            segments.Add([
                Invariant($"{segment} ({Median(_results[_setups[0].Name], r => r.Segments[segment].Requests):N0})"),
                .. _setups.Select(s => Percent(Median(_results[s.Name], r => r.Segments[segment].ServiceLevel))),
                .. _setups.Select(s => Percent(Median(_results[s.Name], r => r.Segments[segment].AbandonmentRate))),
            ]);
        }

        Console.WriteLine("SL (15 s ÷ requests) and abandonment by caller: routed to the city or to a district while it is open, by skill; medians:");
        Console.WriteLine();
        Console.WriteLine(segments.Render(markdown));

        var routes = new Table("configuration", "offers", "own skill", "general seats", "district → city", "city pulls district", "rang out", "abandoned while ringing", "longest wait s", "timer fires", "timer lateness mean / max s");
        foreach (var setup in _setups)
        {
            var results = _results[setup.Name];
            routes.Add(
                setup.Name,
                Invariant($"{Median(results, r => r.OffersByReason.Sum()):N0}"),
                Invariant($"{Median(results, r => r.OffersByReason[(int)OfferReason.Skill]):N0}"),
                Invariant($"{Median(results, r => r.OffersByReason[(int)OfferReason.OverflowGeneral]):N0}"),
                Invariant($"{Median(results, r => r.OffersByReason[(int)OfferReason.OverflowParent]):N0}"),
                Invariant($"{Median(results, r => r.OffersByReason[(int)OfferReason.PulledSubPlatform]):N0}"),
                Invariant($"{Median(results, r => r.RingNoAnswers):N0}"),
                Invariant($"{Median(results, r => r.AbandonedWhileRinging):N0}"),
                Invariant($"{Median(results, r => r.LongestWait.TotalSeconds):0}"),
                Invariant($"{Median(results, r => r.TimerFires):N0}"),
                Invariant($"{Median(results, r => r.TimerMeanLateness.TotalSeconds):0.0} / {results.Max(r => r.TimerMaxLateness).TotalSeconds:0}"));
        }

        Console.WriteLine("Offers by the rule that made the agent eligible, medians:");
        Console.WriteLine();
        Console.WriteLine(routes.Render(markdown));
    }

    private static double Median(IReadOnlyList<DayResult> results, Func<DayResult, double> metric)
    {
        var values = results.Select(metric).Where(v => !double.IsNaN(v)).Order().ToList();
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    internal static string Percent(double value) => double.IsNaN(value) ? "—" : Invariant($"{value * 100:0.0} %");

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
