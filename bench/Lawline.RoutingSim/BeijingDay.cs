using Lawline.Server.Routing;

namespace Lawline.RoutingSim;

/// <summary>
/// The modelled day: a city main platform and three district sub-platforms with 132 seats between them, about
/// 4,200 requests for an agent (≈ 4,000 answered, the Beijing 12348 rate of H1 2024: 673,951 calls in 182 days),
/// arrivals and staffing shaped by the hour. Every number the simulation uses is here; README.md explains them.
/// </summary>
internal sealed class BeijingDay
{
    public const string Labour = "LABOR";
    public const string Family = "FAMILY";
    public const string Contract = "CONTRACT";
    public const string General = "GENERAL";

    public static readonly PlatformId City = new(1);
    public static readonly PlatformId Chaoyang = new(2);
    public static readonly PlatformId Haidian = new(3);
    public static readonly PlatformId Fengtai = new(4);

    /// <summary>Monday 3 March 2025, 00:00 Beijing time.</summary>
    public static readonly DateTimeOffset DayStart = new(2025, 3, 3, 0, 0, 0, TimeSpan.FromHours(8));

    public static readonly BeijingDay Instance = new();

    /// <summary>Requests for an agent (转人工量) in the day, before abandonment.</summary>
    public int RequestsPerDay { get; } = 4200;

    /// <summary>
    /// Share of the day's requests arriving in each hour (percent, normalised): quiet nights, a morning peak
    /// 09:00–11:00, a lunch dip, an afternoon peak 14:00–16:00 and a long evening tail.
    /// </summary>
    public IReadOnlyList<double> HourlyShare { get; } =
    [
        0.4, 0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.5, // 00–08
        5.5, 9.5, 9.8, 7.5, 4.5, 6.5, 8.8, 9.0, // 08–16
        7.5, 5.5, 3.5, 2.8, 2.2, 1.6, 1.0, 0.6, // 16–24
    ];

    /// <summary>The skill the caller picks in the IVR menu.</summary>
    public IReadOnlyList<(string Skill, double Share)> SkillMix { get; } =
        [(Labour, 0.40), (Family, 0.25), (Contract, 0.20), (General, 0.15)];

    /// <summary>Callers whose number belongs to a district with its own sub-platform; everyone else goes to the city.</summary>
    public IReadOnlyList<(PlatformId District, double Share)> DistrictMix { get; } =
        [(Chaoyang, 0.10), (Haidian, 0.08), (Fengtai, 0.06)];

    public IReadOnlyList<PlatformNode> Platforms { get; } =
        [new(City, null), new(Chaoyang, City), new(Haidian, City), new(Fengtai, City)];

    /// <summary>
    /// Agents on duty in each hour, per platform. In hour h the first N seats of the platform's seat list are
    /// staffed (a seat is a position; the router sees it as one agent whoever sits in it). Districts open
    /// 08:00–18:00; outside those hours their callers are routed to the city.
    /// </summary>
    public IReadOnlyDictionary<PlatformId, int[]> Staffing { get; } = new Dictionary<PlatformId, int[]>
    {
        //                 00 01 02 03 04 05 06  07  08  09  10  11  12  13  14  15  16  17  18  19  20  21  22 23
        [City] = /*    */ [6, 6, 6, 6, 6, 6, 8, 14, 32, 44, 44, 40, 30, 36, 42, 42, 38, 32, 26, 22, 18, 14, 10, 8],
        [Chaoyang] = /**/ [0, 0, 0, 0, 0, 0, 0, 0, 5, 7, 7, 6, 4, 5, 7, 7, 6, 4, 0, 0, 0, 0, 0, 0],
        [Haidian] = /* */ [0, 0, 0, 0, 0, 0, 0, 0, 4, 6, 6, 5, 3, 4, 6, 6, 5, 4, 0, 0, 0, 0, 0, 0],
        [Fengtai] = /* */ [0, 0, 0, 0, 0, 0, 0, 0, 3, 5, 5, 4, 3, 4, 5, 5, 4, 3, 0, 0, 0, 0, 0, 0],
    };

    /// <summary>Seats per platform: 96 + 14 + 12 + 10 = 132.</summary>
    public IReadOnlyDictionary<PlatformId, int> Seats { get; } = new Dictionary<PlatformId, int>
    {
        [City] = 96,
        [Chaoyang] = 14,
        [Haidian] = 12,
        [Fengtai] = 10,
    };

    /// <summary>Talk time: lognormal with this mean and coefficient of variation, capped.</summary>
    public TimeSpan TalkMean { get; } = TimeSpan.FromSeconds(390);

    public double TalkCoefficientOfVariation { get; } = 0.8;

    public TimeSpan TalkCap { get; } = TimeSpan.FromMinutes(60);

    /// <summary>话后整理, the router's own wrap-up timer (RoutingConfiguration.WrapUp).</summary>
    public TimeSpan WrapUp { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the agent's phone rings before the agent picks up: uniform in this range.</summary>
    public (TimeSpan Min, TimeSpan Max) RingDelay { get; } = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));

    /// <summary>Share of offers the agent lets ring out; the flow reports RingNoAnswer after the ring timeout.</summary>
    public double RingNoAnswerProbability { get; } = 0.02;

    public TimeSpan RingTimeout { get; } = TimeSpan.FromSeconds(20);

    /// <summary>An agent made not-ready by a missed call comes back this long after.</summary>
    public TimeSpan MissedRecovery { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Caller patience in the queue (exponential): a caller still unanswered after it hangs up.</summary>
    public TimeSpan PatienceMean { get; } = TimeSpan.FromSeconds(90);

    /// <summary>The service-level threshold of 人工应答及时率.</summary>
    public TimeSpan ServiceLevelThreshold { get; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one answered call occupies an agent on average: ring + talk + wrap-up (for Erlang C).</summary>
    public TimeSpan MeanHandleTime => (RingDelay.Min + RingDelay.Max) / 2 + TalkMean + WrapUp;

    /// <summary>Expected requests in hour h (per hour).</summary>
    public double ArrivalsPerHour(int hour) => RequestsPerDay * HourlyShare[hour] / HourlyShare.Sum();

    public int StaffedIn(int hour) => Staffing.Values.Sum(s => s[hour]);

    public bool DistrictOpen(PlatformId district, int hour) => Staffing[district][hour] > 0;

    /// <summary>Every seat of every platform, in roster order within each platform.</summary>
    public IReadOnlyList<Seat> SeatList { get; } = BuildSeats();

    private static List<Seat> BuildSeats()
    {
        // One block of 20 city seats: primary skills labour 7, family 5, contract 4 and 4 general seats (the fallback
        // of every skill queue, so a little more than the 15 % of general callers), with secondary skills at level 2
        // so neighbouring queues share some agents. The first six
        // cover every skill, because six is the night staffing.
        (string Skill, int Level)[][] cityBlock =
        [
            [(Labour, 4)], [(Family, 4)], [(Contract, 4)], [(General, 3)], [(Labour, 3), (Contract, 2)],
            [(Family, 3), (Labour, 2)], [(Labour, 5)], [(Contract, 3), (Family, 2)], [(Labour, 3)], [(General, 3), (Labour, 2)],
            [(Family, 5)], [(Labour, 4), (Family, 2)], [(Contract, 5)], [(Labour, 4)], [(General, 4)],
            [(Family, 4), (Contract, 2)], [(Labour, 5), (Contract, 2)], [(Contract, 3)], [(Family, 3)], [(General, 4)],
        ];

        // District seats: the first three cover every skill (the smallest district staffing is three).
        (string Skill, int Level)[][] districtBlock =
        [
            [(Labour, 4), (Contract, 2)], [(Family, 4), (Labour, 2)], [(General, 3), (Contract, 3)], [(Labour, 5)], [(Contract, 4), (Family, 2)],
            [(Labour, 3)], [(Family, 3)], [(General, 3), (Labour, 2)], [(Labour, 4)], [(Contract, 3)],
            [(Family, 4), (Contract, 2)], [(Labour, 3), (Family, 2)], [(Contract, 5)], [(General, 4)],
        ];

        var seats = new List<Seat>();
        void Add(PlatformId platform, int count, (string Skill, int Level)[][] block)
        {
            for (var i = 0; i < count; i++)
            {
                var skills = block[i % block.Length];
                var id = new AgentId((platform.Value * 1000) + i + 1);
                seats.Add(new Seat(id, platform, skills.ToDictionary(s => s.Skill, s => s.Level), skills[0].Skill == General, i));
            }
        }

        Add(City, 96, cityBlock);
        Add(Chaoyang, 14, districtBlock);
        Add(Haidian, 12, districtBlock);
        Add(Fengtai, 10, districtBlock);
        return seats;
    }
}

/// <summary>
/// One seat: its agent id, platform, skills with levels, whether it is a general seat (综合坐席, the fallback of the
/// platform's skill queues), and its place in the platform's roster (<see cref="BeijingDay.Staffing"/>).
/// </summary>
internal sealed record Seat(AgentId AgentId, PlatformId Platform, IReadOnlyDictionary<string, int> Skills, bool IsGeneralSeat, int RosterRank)
{
    public bool OnDuty(BeijingDay day, int hour) => RosterRank < day.Staffing[Platform][hour];
}
