using System.Globalization;

namespace Lawline.SipBench.Engine;

/// <summary>Command line of the <c>engine</c> mode.</summary>
internal sealed record BenchArguments
{
    public string Address { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 5080;

    /// <summary>Where every inbound call is forwarded: a sipp UAS that echoes RTP.</summary>
    public string Target { get; init; } = "sip:agent@127.0.0.1:5090";

    public int RtpMin { get; init; } = 20000;

    public int RtpMax { get; init; } = 40000;

    /// <summary>One JSON object per second; stdout when absent.</summary>
    public string? StatsPath { get; init; }

    /// <summary>Every call's setup time (INVITE received → 200 OK sent), one line each: seconds since start, milliseconds.</summary>
    public string? SetupTimesPath { get; init; }

    public string? RecordingsDirectory { get; init; }

    public bool KeepRecordings { get; init; }

    public bool Record { get; init; } = true;

    public static BenchArguments Parse(string[] args)
    {
        var parsed = new BenchArguments();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            parsed = args[i] switch
            {
                "--address" => parsed with { Address = Next() },
                "--port" => parsed with { Port = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--target" => parsed with { Target = Next() },
                "--rtp-min" => parsed with { RtpMin = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rtp-max" => parsed with { RtpMax = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--stats" => parsed with { StatsPath = Next() },
                "--setup-times" => parsed with { SetupTimesPath = Next() },
                "--recordings" => parsed with { RecordingsDirectory = Next() },
                "--keep-recordings" => parsed with { KeepRecordings = true },
                "--no-record" => parsed with { Record = false },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }

        return parsed;
    }
}
