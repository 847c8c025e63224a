using BenchmarkDotNet.Running;
using Lawline.SipBench.Engine;

// Modes: `engine` (the engine under load, driven by bench/sip-load.sh) and `micro` (BenchmarkDotNet).
var mode = args.Length > 0 ? args[0] : "";
switch (mode)
{
    case "engine":
        return await EngineBench.RunAsync(BenchArguments.Parse(args[1..]));
    case "micro":
        // Everything after `micro` goes to BenchmarkDotNet (e.g. --filter '*Relay*'); all benchmarks by default.
        var rest = args[1..];
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest);
        return 0;
    default:
        Console.Error.WriteLine("""
            usage: Lawline.SipBench engine --target sip:agent@127.0.0.1:5090 [--port 5080] [--address 127.0.0.1]
                                           [--rtp-min 20000] [--rtp-max 40000] [--stats FILE.jsonl] [--setup-times FILE.csv]
                                           [--recordings DIR] [--keep-recordings] [--no-record]
                   Lawline.SipBench micro [BenchmarkDotNet arguments, e.g. --filter '*Relay*']
            """);
        return 2;
}
