using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// The indicator 新建项目无障碍设施建设率 of a district (docs/construction-indicator.md): accepted new-build projects
/// meeting every applicable barrier-free item ÷ accepted new-build projects (<see cref="ProjectIndicatorSql"/>), for the
/// year up to the reading's day and for the plan period, against the plan target of the district or, when it has none,
/// of the nearest district above it (the Shanxi plan's 100% holds for its counties). With no accepted project in a
/// window its rate is null ("no accepted projects"), never 0% or 100%. Projects are not households: no count is withheld.
/// </summary>
public static class NewProjectsIndicator
{
    /// <summary>The plan indicator this figure measures.</summary>
    public const string Indicator = "new_project_accessibility_rate";

    /// <summary>
    /// The figure of district <paramref name="code"/> as of <paramref name="today"/> (China Standard Time; with
    /// <paramref name="asOf"/>, the projects as the registry held them then), as the coverage response's <c>newProjects</c>.
    /// </summary>
    public static async Task<JsonObject> JsonAsync(
        RegistryDbContext db, NpgsqlConnection connection, string code, string prefix, DateOnly today, CancellationToken ct, AsOf? asOf)
    {
        ArgumentNullException.ThrowIfNull(db);
        var target = await TargetAsync(db, code, today, asOf, ct);
        var (first, last) = target is null ? PlanPeriod(today.Year) : (target.PeriodStart, target.PeriodEnd);
        var periodEnd = new DateOnly(last, 12, 31);
        var yearFrom = new DateOnly(today.Year, 1, 1);
        var periodFrom = new DateOnly(first, 1, 1);
        var periodTo = today < periodEnd ? today : periodEnd;
        var counts = await ProjectIndicatorSql.CountsAsync(connection, prefix, [(yearFrom, today), (periodFrom, periodTo)], ct, asOf);
        var year = Window(yearFrom, today, counts[0]);
        year["year"] = today.Year;
        var period = Window(periodFrom, periodTo, counts[1]);
        period["firstYear"] = first;
        period["lastYear"] = last;
        period["ended"] = today >= periodEnd;
        var rate = Rate(counts[1]);
        return new JsonObject
        {
            ["indicator"] = Indicator,
            ["year"] = year,
            ["period"] = period,
            ["target"] = target is null ? null : new JsonObject
            {
                ["id"] = target.Id,
                ["districtCode"] = target.DistrictCode,
                ["title"] = target.Title,
                ["value"] = target.Value,
                ["comparator"] = target.Comparator,
                ["binding"] = target.Binding,
                ["periodStart"] = target.PeriodStart,
                ["periodEnd"] = target.PeriodEnd,
                ["sourceDocument"] = target.SourceDocument,
                ["met"] = rate is { } r ? RenovationPlanning.Meets(r, target.Comparator, target.Value) : null,
            },
            ["definition"] = CoverageDefinitions.Of("newProjects"),
        };
    }

    /// <summary>
    /// The rate of district <paramref name="prefix"/> over the projects accepted from <paramref name="from"/> to
    /// <paramref name="to"/>, with its counts; the rate is null when none was accepted.
    /// </summary>
    public static async Task<(int Accepted, int Compliant, decimal? Rate)> RateAsync(
        NpgsqlConnection connection, string prefix, DateOnly from, DateOnly to, CancellationToken ct, AsOf? asOf)
    {
        var counts = (await ProjectIndicatorSql.CountsAsync(connection, prefix, [(from, to)], ct, asOf))[0];
        return (counts.Accepted, counts.Compliant, Rate(counts));
    }

    /// <summary>The national five-year plan period holding <paramref name="year"/> (2021–2025, 2026–2030, …).</summary>
    public static (int First, int Last) PlanPeriod(int year)
    {
        var first = 2021 + (5 * (int)Math.Floor((year - 2021) / 5.0));
        return (first, first + 4);
    }

    /// <summary>The district itself and those above it, nearest first: 140881001 → 140881, 140800, 140000.</summary>
    public static IReadOnlyList<string> SelfAndAncestors(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var list = new List<string> { code };
        if (code.Length > 6)
        {
            list.Add(code[..6]);
        }

        var county = code.Length >= 6 ? code[..6] : code;
        list.Add(county[..4] + "00");
        list.Add(county[..2] + "0000");
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The plan target the district is held to: its own or the nearest district's above it, in force at the reading
    /// (<paramref name="asOf"/>); of several, the one whose period holds the year, else the latest ended.
    /// </summary>
    private static async Task<PlanTarget?> TargetAsync(RegistryDbContext db, string code, DateOnly today, AsOf? asOf, CancellationToken ct)
    {
        var codes = SelfAndAncestors(code);
        var targets = await PlanTargetsInForce.Of(db, asOf)
            .Where(t => codes.Contains(t.DistrictCode) && t.Indicator == Indicator && t.Kind == PlanTargetKind.Ratio)
            .ToListAsync(ct);
        return targets
            .Where(t => t.PeriodStart <= today.Year)
            .OrderBy(t => codes.ToList().IndexOf(t.DistrictCode))
            .ThenByDescending(t => t.PeriodEnd >= today.Year)
            .ThenByDescending(t => t.PeriodEnd)
            .ThenBy(t => t.Id)
            .FirstOrDefault();
    }

    private static decimal? Rate((int Accepted, int Compliant) counts) =>
        counts.Accepted == 0 ? null : Math.Round((decimal)counts.Compliant / counts.Accepted, 4);

    private static JsonObject Window(DateOnly from, DateOnly to, (int Accepted, int Compliant) counts) => new()
    {
        ["from"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["accepted"] = counts.Accepted,
        ["compliant"] = counts.Compliant,
        ["rate"] = Rate(counts),
    };
}
