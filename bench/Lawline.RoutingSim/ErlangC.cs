namespace Lawline.RoutingSim;

/// <summary>
/// The Erlang C (M/M/N) prediction for the pooled load, hour by hour with that hour's arrival rate and staffed
/// agents, weighted by arrivals over the day. Erlang C has no abandonment — every caller waits as long as it takes —
/// so it is pessimistic against a queue where impatient callers leave (Erlang A), and it treats each hour as a steady
/// state of its own.
/// <para>
/// The service time is what one answered call costs an agent: ring + talk + wrap-up. Erlang C's wait ends when an
/// agent is seized; the caller is answered a ring later, so "answered within 15 s" is a queue wait within 15 s minus
/// the mean ring, and ASA is the queue wait plus the mean ring.
/// </para>
/// </summary>
internal static class ErlangC
{
    public sealed record Hour(int Index, double ArrivalsPerHour, int Agents, double Load, double WaitProbability, double ServiceLevel, double AverageSpeedOfAnswer)
    {
        public bool Stable => Agents > Load;

        public double Occupancy => Agents == 0 ? double.NaN : Load / Agents;
    }

    public sealed record Day(IReadOnlyList<Hour> Hours)
    {
        private double Arrivals => Hours.Sum(h => h.ArrivalsPerHour);

        public double WaitProbability => Hours.Sum(h => h.ArrivalsPerHour * h.WaitProbability) / Arrivals;

        public double ServiceLevel => Hours.Sum(h => h.ArrivalsPerHour * h.ServiceLevel) / Arrivals;

        public double AverageSpeedOfAnswer => Hours.Sum(h => h.ArrivalsPerHour * h.AverageSpeedOfAnswer) / Arrivals;

        /// <summary>Offered load ÷ staffed agents, in agent-hours over the day.</summary>
        public double Occupancy => Hours.Sum(h => h.Load) / Hours.Sum(h => h.Agents);

        public int UnstableHours => Hours.Count(h => !h.Stable);
    }

    public static Day Predict(BeijingDay day)
    {
        var service = day.MeanHandleTime.TotalSeconds;
        var ring = ((day.RingDelay.Min + day.RingDelay.Max) / 2).TotalSeconds;
        var threshold = day.ServiceLevelThreshold.TotalSeconds - ring;
        var hours = new List<Hour>();
        for (var h = 0; h < 24; h++)
        {
            var lambda = day.ArrivalsPerHour(h);
            var agents = day.StaffedIn(h);
            var load = lambda * service / 3600;
            if (agents <= load)
            {
                // Unstable: the queue grows without bound within the hour's steady state.
                hours.Add(new Hour(h, lambda, agents, load, 1, 0, double.PositiveInfinity));
                continue;
            }

            var wait = WaitProbability(agents, load);
            var serviceLevel = 1 - (wait * Math.Exp(-(agents - load) * threshold / service));
            var asa = (wait * service / (agents - load)) + ring;
            hours.Add(new Hour(h, lambda, agents, load, wait, serviceLevel, asa));
        }

        return new Day(hours);
    }

    /// <summary>P(wait) for <paramref name="agents"/> servers and <paramref name="load"/> Erlangs, through the Erlang B recursion (no factorials).</summary>
    public static double WaitProbability(int agents, double load)
    {
        var b = 1.0;
        for (var k = 1; k <= agents; k++)
        {
            b = load * b / (k + (load * b));
        }

        return agents * b / (agents - (load * (1 - b)));
    }
}
