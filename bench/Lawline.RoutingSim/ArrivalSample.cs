using Lawline.Server.Routing;

namespace Lawline.RoutingSim;

/// <summary>
/// One caller of the day, drawn before any routing so that every configuration sees the same callers: when they
/// ask for an agent, for which skill, from which district, how long they will talk and how long they will wait.
/// <see cref="OfferSeed"/> seeds the caller's own random stream for what happens at each offer (ring delay, ring-no-
/// answer), so those draws too are the same call by call, however many offers a configuration needs.
/// </summary>
internal sealed record CallerSpec(int Index, TimeSpan Arrival, string Skill, PlatformId? District, TimeSpan Talk, TimeSpan Patience, int OfferSeed)
{
    public int Hour => (int)Arrival.TotalHours;
}

internal static class ArrivalSample
{
    /// <summary>Poisson arrivals with a rate constant within each hour (<see cref="BeijingDay.HourlyShare"/>).</summary>
    public static IReadOnlyList<CallerSpec> Draw(BeijingDay day, int seed)
    {
        var random = new Random(seed);
        var callers = new List<CallerSpec>();

        // Lognormal talk time with the configured mean and coefficient of variation.
        var sigma2 = Math.Log(1 + (day.TalkCoefficientOfVariation * day.TalkCoefficientOfVariation));
        var mu = Math.Log(day.TalkMean.TotalSeconds) - (sigma2 / 2);
        var sigma = Math.Sqrt(sigma2);

        for (var hour = 0; hour < 24; hour++)
        {
            var ratePerSecond = day.ArrivalsPerHour(hour) / 3600;
            var t = hour * 3600.0;

            // Memoryless: restarting the exponential clock at the hour boundary is exact for a piecewise-constant rate.
            while (true)
            {
                t += Exponential(random, 1 / ratePerSecond);
                if (t >= (hour + 1) * 3600.0)
                {
                    break;
                }

                var skill = Pick(random, day.SkillMix);
                PlatformId? district = null;
                var u = random.NextDouble();
                foreach (var (platform, share) in day.DistrictMix)
                {
                    if (u < share)
                    {
                        district = platform;
                        break;
                    }

                    u -= share;
                }

                var talk = Math.Min(Math.Exp(mu + (sigma * Normal(random))), day.TalkCap.TotalSeconds);
                var patience = Exponential(random, day.PatienceMean.TotalSeconds);
                callers.Add(new CallerSpec(callers.Count, TimeSpan.FromSeconds(t), skill, district,
                    TimeSpan.FromSeconds(Math.Round(talk, 3)), TimeSpan.FromSeconds(Math.Round(patience, 3)), random.Next()));
            }
        }

        return callers;
    }

    public static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    private static double Normal(Random random)
    {
        // Box–Muller; one of the pair is enough here.
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static string Pick(Random random, IReadOnlyList<(string Skill, double Share)> mix)
    {
        var u = random.NextDouble();
        foreach (var (skill, share) in mix)
        {
            if (u < share)
            {
                return skill;
            }

            u -= share;
        }

        return mix[^1].Skill;
    }
}
