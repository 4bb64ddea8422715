using System.Text.Json;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Features.Surveys;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Evaluations;

/// <summary>What is evaluated: a district, a plan period, a stage and the evaluation date.</summary>
/// <param name="Code">GB/T 2260 code of the district.</param>
/// <param name="FirstYear">First year of the plan period.</param>
/// <param name="LastYear">Last year of the plan period.</param>
/// <param name="Stage"><see cref="EvaluateDistrict.MidTerm"/> or <see cref="EvaluateDistrict.Final"/>.</param>
/// <param name="Date">The evaluation date.</param>
/// <param name="DateGiven">Whether the caller named the date (else the stage's default).</param>
public sealed record EvaluationRequest(string Code, int FirstYear, int LastYear, string Stage, DateOnly Date, bool DateGiven);

/// <summary>
/// Use case: the mid-term or final evaluation (中期评估 / 总结评估) of a plan period for a district. Every plan target of
/// the district for the period in force at the evaluation date (binding first) with its baseline (as of the day before
/// the period), its value at the evaluation date, progress, status and the trajectory needed
/// (<see cref="PlanEvaluation"/>), measured by <see cref="TargetMeasures"/>; and the same figures for each direct
/// subdivision. Household figures follow <see cref="HouseholdPrivacy"/>: whole for the district's planners and
/// administrators; for everybody else those of the coverage indicators, and only at dates the public can already read
/// them for (<see cref="PublicHouseholdDate"/>); the subdivisions' never.
/// </summary>
public static class EvaluateDistrict
{
    /// <summary>Mid-term evaluation (中期评估).</summary>
    public const string MidTerm = "midterm";

    /// <summary>Final evaluation (总结评估).</summary>
    public const string Final = "final";

    /// <summary>
    /// The default evaluation date of <paramref name="stage"/>, never after <paramref name="today"/>: mid-term, the middle of
    /// the period (30 June of the middle year of an odd number of years, e.g. 2023-06-30 for 2021–2025; 31 December of the
    /// year before the middle of an even number); final, the period's last day.
    /// </summary>
    public static DateOnly DefaultDate(string stage, int firstYear, int lastYear, DateOnly today)
    {
        var years = lastYear - firstYear + 1;
        var date = stage == MidTerm
            ? years % 2 == 1 ? new DateOnly(firstYear + (years / 2), 6, 30) : new DateOnly(firstYear + (years / 2) - 1, 12, 31)
            : new DateOnly(lastYear, 12, 31);
        return date > today ? today : date;
    }

    /// <summary>
    /// Whether the public may read household figures at <paramref name="date"/>: today (what the coverage indicators publish
    /// anyway) or the period's last day (the sum of the period the renovation statistics publish). Any other date is the
    /// caller's choice, and two such dates subtracted would count the households accepted between them, however few.
    /// </summary>
    public static bool PublicHouseholdDate(DateOnly date, int lastYear, DateOnly today) => date == today || date == new DateOnly(lastYear, 12, 31);

    /// <summary>The evaluation, or null when the district does not exist.</summary>
    public static async Task<JsonObject?> RunAsync(
        RegistryDbContext db, ClaimsPrincipal user, EvaluationRequest request, DateOnly today, DateTimeOffset now, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (await EvaluationSql.DistrictAsync(connection, request.Code, ct) is not { } district)
        {
            return null;
        }

        var baselineDate = new DateOnly(request.FirstYear - 1, 12, 31);
        var atDate = new AsOf(request.Date, now);
        var atBaseline = new AsOf(baselineDate, now);
        var view = HouseholdPrivacy.MaySeeHouseholds(user, request.Code) ? HouseholdView.Staff : HouseholdView.Public;
        var householdsShown = view == HouseholdView.Staff || PublicHouseholdDate(request.Date, request.LastYear, today);
        var targets = await EvaluationSql.TargetsInForceAsync(connection, request.Code, request.FirstYear, request.LastYear, atDate, ct);
        var figures = targets.Select(TargetMeasures.FigureOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

        JsonObject? valueCoverage = figures.Count > 0
            ? await CoverageEndpoints.IndicatorsAsync(db, request.Code, CoverageEndpoints.DefaultMetres, view, request.Date, ct, atDate)
            : null;
        JsonObject? baselineCoverage = figures.Any(f => !TargetMeasures.CountsFromPeriodStart(f) && TargetMeasures.HasBaseline(f))
            ? await CoverageEndpoints.IndicatorsAsync(db, request.Code, CoverageEndpoints.DefaultMetres, view, baselineDate, ct, atBaseline)
            : null;

        var (elapsed, remaining) = PlanEvaluation.Years(request.FirstYear, request.LastYear, request.Date);
        var list = new JsonArray();
        foreach (var target in targets)
        {
            list.Add(TargetJson(target, valueCoverage, baselineCoverage, householdsShown, view, request));
        }

        var children = await EvaluationSql.ChildrenAsync(connection, request.Code, ct);
        var (subdivisions, unassigned) = await SubdivisionsAsync(db, connection, user, view, children, figures, request, baselineDate, atDate, atBaseline, ct);

        // The satisfaction surveys of the period up to the evaluation date, each as its results publish it (counts below
        // 5 withheld, free text to the district's staff only).
        var surveys = await SurveyResults.ForDistrictAsync(
            db, request.Code, new DateOnly(request.FirstYear, 1, 1), request.Date, SurveyResults.ViewOf(user, request.Code), clock, ct);

        return new JsonObject
        {
            ["district"] = new JsonObject { ["code"] = request.Code, ["name"] = district.Name, ["level"] = Level(district.Level) },
            ["period"] = new JsonObject
            {
                ["firstYear"] = request.FirstYear,
                ["lastYear"] = request.LastYear,
                ["start"] = Iso(new DateOnly(request.FirstYear, 1, 1)),
                ["end"] = Iso(new DateOnly(request.LastYear, 12, 31)),
            },
            ["stage"] = request.Stage,
            ["baselineDate"] = Iso(baselineDate),
            ["evaluationDate"] = Iso(request.Date),
            ["dateGiven"] = request.DateGiven,
            ["knownAt"] = now,
            ["elapsedYears"] = elapsed,
            ["remainingYears"] = remaining,
            ["view"] = view == HouseholdView.Staff ? "staff" : "public",
            ["householdsSuppressedBelow"] = view == HouseholdView.Staff ? null : SuppressedTable.Threshold,
            ["targets"] = list,
            ["figures"] = new JsonArray([.. figures.Select(f => (JsonNode)new JsonObject
            {
                ["key"] = f,
                ["share"] = TargetMeasures.IsShare(f),
                ["households"] = TargetMeasures.IsHouseholdFigure(f),
                ["definition"] = TargetMeasures.Definition(f),
            })]),
            ["subdivisions"] = subdivisions,
            ["unassigned"] = unassigned,
            ["satisfactionSurvey"] = JsonSerializer.SerializeToNode(surveys, JsonSerializerOptions.Web),
            ["definitions"] = Definitions(),
        };
    }

    private static JsonObject TargetJson(
        PlanTarget target, JsonObject? valueCoverage, JsonObject? baselineCoverage, bool householdsShown, HouseholdView view, EvaluationRequest request)
    {
        var figure = TargetMeasures.FigureOf(target);
        var json = new JsonObject
        {
            ["id"] = target.Id,
            ["indicator"] = target.Indicator,
            ["title"] = target.Title,
            ["kind"] = target.Kind == PlanTargetKind.Ratio ? "ratio" : "count",
            ["unit"] = target.Unit,
            ["comparator"] = target.Comparator,
            ["target"] = target.Value,
            ["binding"] = target.Binding,
            ["sourceDocument"] = target.SourceDocument,
            ["sourceTable"] = target.SourceTable,
            ["figure"] = figure,
            ["definition"] = figure is null ? null : TargetMeasures.Definition(figure),
        };

        decimal? baseline = null;
        decimal? value = null;
        JsonObject? reason = null;
        if (figure is null)
        {
            var (zh, en) = TargetMeasures.WhyNotMeasured(target);
            reason = Reason("notMeasured", zh, en);
        }
        else
        {
            baseline = !TargetMeasures.HasBaseline(figure) ? null
                : TargetMeasures.CountsFromPeriodStart(figure) ? 0 : TargetMeasures.Read(figure, target, baselineCoverage!);
            if (TargetMeasures.IsHouseholdFigure(figure) && !householdsShown)
            {
                reason = Reason(
                    "withheldDate",
                    string.Create(CultureInfo.InvariantCulture, $"户数只在评估日为今天或规划期末（{request.LastYear}年12月31日）时对公众公开：任意两个日期的户数相减就能算出其间验收的少数几户。"),
                    string.Create(CultureInfo.InvariantCulture, $"Household figures are published only for today or the period's last day ({request.LastYear}-12-31): two other dates subtracted would count the few households accepted between them."));
            }
            else
            {
                value = TargetMeasures.Read(figure, target, valueCoverage!);
                if (value is null && figure == TargetMeasures.NewProjectRate)
                {
                    reason = Reason("noProjects", "规划期开始至评估日本区划没有已竣工验收的新建项目，不计算建设率（既不是 0%，也不是 100%）。",
                        "No new-build project of the district was accepted from the period's start to the evaluation date, so there is no rate (neither 0% nor 100%).");
                }
                else if (value is null)
                {
                    reason = TargetMeasures.IsHouseholdFigure(figure) && view == HouseholdView.Public
                        ? Reason("withheld", "少于 5 户或可由其他公开数字推算出少于 5 户的数字不公开（见指标定义）。", "Figures below 5 households, or from which one below 5 could be derived, are withheld (see the definition).")
                        : Reason("noData", "评估日本区划没有可计算该指标的数据（例如没有登记的乡镇或符合条件的户数）。", "On the evaluation date the district had no data to compute this figure from (e.g. no townships or eligible households registered).");
                }
                else if (baseline is null && TargetMeasures.HasBaseline(figure))
                {
                    reason = Reason("noBaseline", "规划期开始前一天没有可计算该指标的数据。", "On the day before the period began there were no data to compute this figure from.");
                }
            }
        }

        json["baseline"] = baseline;
        json["value"] = value;
        if (figure is not null && !TargetMeasures.HasBaseline(figure) && value is { } alone)
        {
            // A rate over the period's own projects: judged on its value alone, with no pace to carry on.
            var (_, remaining) = PlanEvaluation.Years(request.FirstYear, request.LastYear, request.Date);
            var met = RenovationPlanning.Meets(alone, target.Comparator, target.Value);
            json["change"] = null;
            json["progress"] = null;
            json["pacePerYear"] = null;
            json["neededPerYear"] = null;
            json["status"] = met ? PlanEvaluation.Statuses.Met : remaining <= 0 ? PlanEvaluation.Statuses.Missed : PlanEvaluation.Statuses.Behind;
        }
        else if (baseline is { } b && value is { } v)
        {
            var judged = PlanEvaluation.Judge(b, v, target.Value, target.Comparator, request.FirstYear, request.LastYear, request.Date);
            json["change"] = judged.Change;
            json["progress"] = judged.Progress;
            json["pacePerYear"] = judged.PacePerYear;
            json["neededPerYear"] = judged.NeededPerYear;
            json["status"] = judged.Status;
        }
        else
        {
            json["change"] = null;
            json["progress"] = null;
            json["pacePerYear"] = null;
            json["neededPerYear"] = null;
            json["status"] = PlanEvaluation.Statuses.NotMeasurable;
        }

        json["reason"] = reason;
        return json;
    }

    /// <summary>
    /// The figures of each direct subdivision: household figures for those whose households the caller may see (else
    /// withheld: the public statistics publish households per county only), the township share for all. For the
    /// district's staff, also the households renovated that lie in none of the subdivisions (a case registered without
    /// its township), so that the rows add up to the district's figure; null for anybody else.
    /// </summary>
    private static async Task<(JsonArray Rows, JsonObject? Unassigned)> SubdivisionsAsync(
        RegistryDbContext db, NpgsqlConnection connection, ClaimsPrincipal user, HouseholdView view, List<(string Code, string Name)> children,
        List<string> figures, EvaluationRequest request, DateOnly baselineDate, AsOf atDate, AsOf atBaseline, CancellationToken ct)
    {
        var result = new JsonArray();
        if (children.Count == 0)
        {
            return (result, null);
        }

        var staff = children.Select(c => HouseholdPrivacy.MaySeeHouseholds(user, c.Code)).ToArray();
        var countsHouseholds = figures.Contains(TargetMeasures.HouseholdsRenovated) && view == HouseholdView.Staff;
        var codes = children.Where((_, i) => staff[i]).Select(c => c.Code).ToList();
        if (countsHouseholds)
        {
            codes.Add(request.Code);
        }

        // Read as the district's own figure is (RenovationSql.TargetFiguresAsync inside the coverage indicators: the
        // cases as they stood at the date, bounded by the acceptance date), so that the subdivisions add up to it.
        var households = figures.Any(TargetMeasures.IsHouseholdFigure) && codes.Count > 0
            ? await EvaluationSql.HouseholdsByChildAsync(connection, codes, new DateOnly(request.FirstYear, 1, 1), request.Date, atDate, ct)
            : [];
        JsonObject? unassigned = null;
        if (countsHouseholds)
        {
            var outside = households.GetValueOrDefault(request.Code).Accepted - children.Sum(c => households.GetValueOrDefault(c.Code).Accepted);
            unassigned = new JsonObject { [TargetMeasures.HouseholdsRenovated] = Figure(0, outside, false, request) };
        }
        var shares = figures.Contains(TargetMeasures.TownshipServiceShare);
        var projects = figures.Contains(TargetMeasures.NewProjectRate);
        for (var i = 0; i < children.Count; i++)
        {
            var (code, name) = children[i];
            var row = new JsonObject();
            decimal? baselineShare = null;
            decimal? valueShare = null;
            if (shares)
            {
                var childView = staff[i] ? HouseholdView.Staff : HouseholdView.Public;
                valueShare = (await CoverageEndpoints.IndicatorsAsync(db, code, CoverageEndpoints.DefaultMetres, childView, request.Date, ct, atDate))?["townshipService"]?["share"]?.GetValue<decimal>();
                baselineShare = (await CoverageEndpoints.IndicatorsAsync(db, code, CoverageEndpoints.DefaultMetres, childView, baselineDate, ct, atBaseline))?["townshipService"]?["share"]?.GetValue<decimal>();
            }

            decimal? projectRate = null;
            if (projects)
            {
                // The same windows as the district's own figure: the period's start to the evaluation date.
                projectRate = (await NewProjectsIndicator.RateAsync(
                    connection, Auth.DistrictScope.Prefix(code), new DateOnly(request.FirstYear, 1, 1), request.Date, ct, atDate)).Rate;
            }

            foreach (var figure in figures)
            {
                if (figure == TargetMeasures.TownshipServiceShare)
                {
                    row[figure] = Figure(baselineShare, valueShare, false, request);
                }
                else if (figure == TargetMeasures.NewProjectRate)
                {
                    row[figure] = Figure(null, projectRate, false, request);
                }
                else if (!staff[i])
                {
                    row[figure] = Figure(null, null, true, request);
                }
                else
                {
                    var (accepted, registered) = households.GetValueOrDefault(code);
                    decimal? value = figure == TargetMeasures.HouseholdsRenovated ? accepted
                        : registered > 0 ? Math.Round((decimal)accepted / registered, 4) : null;
                    row[figure] = Figure(0, value, false, request);
                }
            }

            result.Add(new JsonObject { ["code"] = code, ["name"] = name, ["figures"] = row });
        }

        return (result, unassigned);
    }

    private static JsonObject Figure(decimal? baseline, decimal? value, bool withheld, EvaluationRequest request)
    {
        var (elapsed, _) = PlanEvaluation.Years(request.FirstYear, request.LastYear, request.Date);
        decimal? change = baseline is { } b && value is { } v ? v - b : null;
        return new JsonObject
        {
            ["baseline"] = baseline,
            ["value"] = value,
            ["change"] = change,
            ["pacePerYear"] = change is { } c && elapsed > 0 ? Math.Round(c / elapsed, 4) : null,
            ["withheld"] = withheld,
        };
    }

    private static JsonObject Reason(string code, string zh, string en) => new() { ["code"] = code, ["zh"] = zh, ["en"] = en };

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Level(int level) => level switch
    {
        1 => "province",
        2 => "prefecture",
        3 => "county",
        _ => "township",
    };

    /// <summary>What the evaluation's own figures mean (zh, en).</summary>
    private static JsonObject Definitions() => new()
    {
        ["baseline"] = Both(
            "基期值：规划期开始前一天（上一年12月31日）本平台登记的数据计算的数值；按规划期内累计的指标（如改造户数）基期值按定义为 0。",
            "Baseline: the figure as the registry's records stood on the day before the period began (31 December of the year before); a figure counted from the period's start (such as households renovated) is 0 at the baseline by definition."),
        ["value"] = Both(
            "评估值：评估日（中期评估默认规划期的中点，总结评估默认规划期末，均不晚于今天）当天结束时本平台登记的数据计算的数值。",
            "Value: the figure as the records stood at the end of the evaluation date (mid-term: by default the middle of the period; final: by default its last day; never after today)."),
        ["progress"] = Both(
            "进度：（评估值 − 基期值）÷（目标值 − 基期值），即从基期到目标已完成的比例；基期已达到目标时不计算。",
            "Progress: (value − baseline) ÷ (target − baseline), the share of the way from the baseline to the target covered; not given when the baseline already met the target."),
        ["pacePerYear"] = Both(
            "已有进度：每年平均变化 =（评估值 − 基期值）÷ 已过年数（规划期天数按年数平分为年）。",
            "Pace so far: the change per year = (value − baseline) ÷ years elapsed (the period's days divided evenly into its years)."),
        ["neededPerYear"] = Both(
            "所需进度：期末达到目标，剩余每年需要的变化 =（目标值 − 评估值）÷ 剩余年数；已达到目标时为 0。",
            "Trajectory needed: the change needed per remaining year to reach the target by the period's end = (target − value) ÷ years remaining; 0 when met."),
        ["status"] = Both(
            "状态：已达到（评估值满足目标）；按期可达（按已有进度到期末可达到）；滞后（按已有进度到期末达不到）；未达到（规划期已结束而未达到）；无法评估（本平台不计算该指标，或数字不公开，附原因）。",
            "Status: met (the value meets the target); on track (at the pace so far it would by the period's end); behind (at the pace so far it would not); missed (the period is over and it was not met); not measurable (the registry does not measure it, or the figure is withheld; the reason is given)."),
    };

    private static JsonObject Both(string zh, string en) => new() { ["zh"] = zh, ["en"] = en };
}
