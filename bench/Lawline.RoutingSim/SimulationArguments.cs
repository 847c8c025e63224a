using System.Globalization;

namespace Lawline.RoutingSim;

/// <summary>The command line: <c>[--seeds 5] [--seed 12348] [--mode day|latency|all] [--markdown] [--clock exact|naive] [--operations 100000]</c>.</summary>
internal sealed record SimulationArguments
{
    public int Seeds { get; init; } = 5;

    /// <summary>The first seed; the others follow it (12348, 12349, ...).</summary>
    public int FirstSeed { get; init; } = 12348;

    public bool Day { get; init; } = true;

    public bool Latency { get; init; } = true;

    public bool Markdown { get; init; }

    public ClockStepping Clock { get; init; } = ClockStepping.Exact;

    /// <summary>Timed operations per latency phase.</summary>
    public int Operations { get; init; } = 100_000;

    public static SimulationArguments Parse(string[] args)
    {
        var parsed = new SimulationArguments();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Next(), CultureInfo.InvariantCulture) is var n and > 0 ? n : throw new ArgumentException($"{args[i - 1]} must be positive");
            parsed = args[i] switch
            {
                "--seeds" => parsed with { Seeds = Number() },
                "--seed" => parsed with { FirstSeed = Number() },
                "--mode" => Next() switch
                {
                    "day" => parsed with { Day = true, Latency = false },
                    "latency" => parsed with { Day = false, Latency = true },
                    "all" => parsed with { Day = true, Latency = true },
                    var other => throw new ArgumentException($"unknown mode {other}"),
                },
                "--markdown" => parsed with { Markdown = true },
                "--clock" => parsed with { Clock = Enum.Parse<ClockStepping>(Next(), ignoreCase: true) },
                "--operations" => parsed with { Operations = Number() },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }

        return parsed;
    }
}
