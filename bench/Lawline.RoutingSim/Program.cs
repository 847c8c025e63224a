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
        usage: Lawline.RoutingSim [--seeds 5] [--seed 12348] [--markdown] [--clock exact|naive]
        """);
    return 2;
}

DayReport.Run(arguments).Print(arguments.Markdown);

return 0;
