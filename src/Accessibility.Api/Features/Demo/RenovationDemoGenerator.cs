using Accessibility.Api.Features.Renovations;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Distance;

namespace Accessibility.Api.Features.Demo;

/// <summary>A generated (synthetic) household renovation case, in the clear: the seeder encrypts it.</summary>
/// <param name="DistrictCode">County.</param>
/// <param name="PersonName">Obviously synthetic name: 演示 + surname + 某 + number.</param>
/// <param name="IdNumber">An 18-character number with a valid GB 11643 check character, sequence 9xx.</param>
/// <param name="Phone">155 0000 xxxx.</param>
/// <param name="BirthYear">Year of birth.</param>
/// <param name="DisabilityCategory">Category.</param>
/// <param name="DisabilityGrade">1 or 2.</param>
/// <param name="Eligibility">Eligibility.</param>
/// <param name="LivesAlone">Lives alone.</param>
/// <param name="Address">Address.</param>
/// <param name="Location">Home, SRID 4490, at least ~300 m inside the boundary.</param>
/// <param name="Barriers">Barriers.</param>
/// <param name="Status">Status reached.</param>
/// <param name="IdentifiedOn">Identified.</param>
/// <param name="Steps">Date each status was reached, in order.</param>
/// <param name="CostEstimate">Estimate.</param>
/// <param name="Subsidy">Subsidy.</param>
/// <param name="Satisfaction">Satisfaction of a followed-up case.</param>
public sealed record DemoRenovationCase(
    string DistrictCode, string PersonName, string IdNumber, string Phone, int BirthYear, string DisabilityCategory, short DisabilityGrade,
    string Eligibility, bool LivesAlone, string Address, Point Location, IReadOnlyList<string> Barriers, string Status, DateOnly IdentifiedOn,
    IReadOnlyList<(string Status, DateTimeOffset At)> Steps, decimal? CostEstimate, decimal? Subsidy, short? Satisfaction);

/// <summary>
/// Deterministic synthetic renovation cases for the pilot counties, paced so that Yongji falls short of its
/// binding 100 households (so the planner's page shows its warning). Dates are fixed (2021-01 to 2026-06), not
/// taken from the clock, so the same seed gives the same cases everywhere.
/// </summary>
public static class RenovationDemoGenerator
{
    /// <summary>How many cases per county, and how many of them reached acceptance.</summary>
    public static readonly IReadOnlyDictionary<string, (int Cases, int Accepted)> Sizes = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["140881"] = (110, 72), // 永济市: 100 binding, 150 key project
        ["410307"] = (80, 30),  // 偃师区: > 50 % of eligible households
        ["370403"] = (45, 25),  // 薛城区
    };

    private static readonly string[] Surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "郭", "孙", "马", "胡", "朱", "高"];
    private static readonly string[] Categories = ["physical", "physical", "physical", "physical", "visual", "visual", "hearing", "intellectual", "multiple", "mental"];
    private static readonly string[] Streets = ["幸福路", "建设街", "和平巷", "团结路", "光明街", "新村", "东关街", "西街村"];

    /// <summary>Generates the cases of one county.</summary>
    public static IReadOnlyList<DemoRenovationCase> Generate(string districtCode, string districtName, MultiPolygon boundary, long seed)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        if (!Sizes.TryGetValue(districtCode, out var size))
        {
            return [];
        }

        var rng = new DemoGenerator.SplitMix64(unchecked((ulong)seed) ^ DemoGenerator.Fnv1a("renovations-" + districtCode));
        var factory = new GeometryFactory(new PrecisionModel(), DemoGenerator.Srid);
        var inside = PreparedGeometryFactory.Prepare(boundary);
        var edge = boundary.Boundary;
        var env = boundary.EnvelopeInternal;
        var cases = new List<DemoRenovationCase>();
        var start = new DateOnly(2021, 1, 4);
        for (var n = 1; n <= size.Cases; n++)
        {
            Point location;
            do
            {
                location = factory.CreatePoint(new Coordinate(
                    Math.Round(rng.Range(env.MinX, env.MaxX), 6), Math.Round(rng.Range(env.MinY, env.MaxY), 6)));
            }
            while (!inside.Contains(location) || DistanceOp.Distance(location, edge) < 0.003);

            var birth = new DateOnly(rng.Int(1936, 2004), rng.Int(1, 12), rng.Int(1, 28));
            var sequence = 900 + rng.Int(0, 99);
            var id = ChineseIdNumber.WithCheck(districtCode + birth.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)
                + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var category = rng.Pick(Categories);
            var barriers = category switch
            {
                "visual" => new[] { "guidance_for_blind", "thresholds", "bathroom" },
                "hearing" => ["alarms_for_deaf"],
                "intellectual" or "mental" => ["bathroom", "kitchen"],
                _ => ["entrance_steps", "thresholds", "narrow_doors", "bathroom", "bed_transfer", "kitchen"],
            };
            var chosen = barriers.Where(_ => rng.Chance(0.6)).DefaultIfEmpty(barriers[0]).ToList();

            // The first cases reach acceptance (in order of identification), then a pipeline, then the waiting list, a few closed.
            string status;
            if (n <= size.Accepted)
            {
                status = rng.Chance(0.4) ? RenovationWorkflow.FollowedUp : RenovationWorkflow.Accepted;
            }
            else if (n <= size.Accepted + 3)
            {
                status = n % 2 == 0 ? RenovationWorkflow.Rejected : RenovationWorkflow.Withdrawn;
            }
            else if (n <= size.Accepted + 3 + ((size.Cases - size.Accepted) / 3))
            {
                status = rng.Pick(new[] { RenovationWorkflow.Approved, RenovationWorkflow.Contracted, RenovationWorkflow.InProgress, RenovationWorkflow.Completed });
            }
            else
            {
                status = rng.Chance(0.5) ? RenovationWorkflow.Identified : RenovationWorkflow.Assessed;
            }

            // Identification spread over 2021-01 … 2026-03 in order of n, so accepted cases are the older ones.
            var identified = start.AddDays((int)((n - 1) * (1900.0 / size.Cases)) + rng.Int(0, 10));
            var steps = new List<(string, DateTimeOffset)>();
            var day = identified;
            DateTimeOffset At(DateOnly d) => new DateTimeOffset(d.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)).ToUniversalTime();
            steps.Add((RenovationWorkflow.Identified, At(day)));
            var reached = RenovationWorkflow.MainLine.ToList().IndexOf(status);
            string[] path = RenovationWorkflow.Closed.Contains(status)
                ? [status]
                : RenovationWorkflow.MainLine.Skip(1).Take(Math.Max(0, reached)).ToArray();
            foreach (var next in path)
            {
                day = day.AddDays(rng.Int(10, 60));
                steps.Add((next, At(day)));
            }

            var estimate = (decimal)(rng.Int(20, 120) * 100);
            cases.Add(new DemoRenovationCase(
                districtCode,
                "演示" + rng.Pick(Surnames) + "某" + n.ToString("000", System.Globalization.CultureInfo.InvariantCulture),
                id,
                "1550000" + rng.Int(0, 9999).ToString("0000", System.Globalization.CultureInfo.InvariantCulture),
                birth.Year,
                category,
                (short)(rng.Chance(0.45) ? 1 : 2),
                rng.Weighted(("dibao", 0.45), ("low_income", 0.3), ("extreme_poverty", 0.1), ("other", 0.15)),
                rng.Chance(0.2),
                districtName + rng.Pick(Streets) + rng.Int(1, 199).ToString(System.Globalization.CultureInfo.InvariantCulture) + "号（演示地址）",
                location,
                chosen,
                status,
                identified,
                steps,
                status == RenovationWorkflow.Identified ? null : estimate,
                status is RenovationWorkflow.Identified or RenovationWorkflow.Assessed ? null : Math.Min(estimate, 8000m),
                status == RenovationWorkflow.FollowedUp ? (short)rng.Int(3, 5) : null));
        }

        return cases;
    }
}
