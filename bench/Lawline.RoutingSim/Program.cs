using Lawline.RoutingSim;

SimulationArguments arguments;
try
{
    arguments = SimulationArguments.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"""
        {e.Message}
        usage: Lawline.RoutingSim [--seeds 5] [--seed 12348] [--mode day|latency|all] [--markdown]
                                  [--clock exact|naive] [--operations 100000]
        """);
    return 2;
}

if (arguments.Day)
{
    DayReport.Run(arguments).Print(arguments.Markdown);
}

if (arguments.Latency)
{
    DecisionLatency.Run(arguments.FirstSeed, arguments.Operations).Print(arguments.Markdown);
}

return 0;
