using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Patrols;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// <c>/api/v1/coverage</c>: the indicators the plans are monitored with, per district at every level, public.
/// Household figures are whole for the district's planners and administrators
/// (<see cref="HouseholdPrivacy.MaySeeHouseholds"/>); everybody else gets them as <see cref="HouseholdPrivacy"/> says:
/// never below <see cref="SuppressedTable.Threshold"/>, never steered by a parameter, never derivable by subtraction.
/// </summary>
public static class CoverageEndpoints
{
    /// <summary>Default radius of toilet reach, metres.</summary>
    public const int DefaultMetres = 500;

    /// <summary>Largest radius accepted, metres.</summary>
    public const int MaxMetres = 5000;

    /// <summary>Plan indicator of township service coverage ("乡乡有机构").</summary>
    public const string TownshipServiceIndicator = "township_service_facility_coverage";

    /// <summary>Default number of months of the trends.</summary>
    public const int DefaultMonths = 24;

    /// <summary>Most months of the trends.</summary>
    public const int MaxMonths = 120;

    /// <summary>Districts whose indicators are computed at the same time (each on its own connection) for one request.</summary>
    public const int Concurrency = 4;

    /// <summary>Title of a problem with the query string.</summary>
    internal const string BadQueryTitle = "One or more query parameters are not acceptable.";

    private static readonly JsonSerializerOptions Output = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The cache of served indicators, one per process.</summary>
    public static IServiceCollection AddCoverage(this IServiceCollection services) => services.AddSingleton<CoverageCache>().AddSingleton<CoverageComposition>();

    /// <summary>Maps the coverage routes.</summary>
    public static IEndpointRouteBuilder MapCoverageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/coverage").WithTags("Coverage");
        group.MapGet("{districtCode}", Get).WithName("GetDistrictCoverage").RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("The indicators of one district (any level), each with its definition in Chinese and English; metres = toilet reach radius (default 500). Household figures are whole for the district's planners and administrators only; the public's toilet reach counts public buildings and bus stops, with households as a separate line published only for a county at the default 500 m when covered and not covered are each at least 5 (else withheld whole), and renovation targets with figures below 5 withheld. asOf=yyyy-MM-dd answers as the registry held the records at the end of that day (China Standard Time), knownAt=ISO instant as it knew them then (default now; docs/history.md).")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("", Children).WithName("ListChildCoverage").RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("The indicators of parent and of every direct child of it, for drill-down and comparison; household figures as for one district (for the public, toilet reach of households only at county level, so a parent minus its children reveals none). asOf/knownAt as for one district.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("{districtCode}/trends", Trends).WithName("GetCoverageTrends").RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("Monthly series of the district (months 1–120, default 24, ending with the current month in China Standard Time, or with asOf's month as the records stood at the end of asOf, as known at knownAt): facilities added, inspections, defects found and repaired, reports received and closed, renovations accepted (for the district's planners and administrators only: withheld for the public, whose household counts are the renovation statistics), each with its definition.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGapEndpoints();
        return app;
    }

    private static async Task<IResult> Get(
        string districtCode, string? metres, string? asOf, string? knownAt, ClaimsPrincipal user, RegistryDbContext db, IServiceScopeFactory scopes,
        CoverageCache cache, CoverageComposition composition, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = ParseDistrict("districtCode", districtCode, errors);
        var radius = ParseInt("metres", metres, DefaultMetres, 1, MaxMetres, errors);
        var read = AsOfRead.Parse(asOf, knownAt, clock, errors);
        if (code is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, BadQueryTitle);
        }

        var json = (await CachedIndicatorsAsync(db, scopes, cache, composition, [code], user, radius, read, clock, ct))[0];
        return json is null ? NotFound(code) : new RawJsonResult(json, contentType: "application/json");
    }

    private static async Task<IResult> Children(
        string? parent, string? metres, string? asOf, string? knownAt, ClaimsPrincipal user, RegistryDbContext db, IServiceScopeFactory scopes,
        CoverageCache cache, CoverageComposition composition, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        string? code = null;
        if (parent is null)
        {
            errors.Add("parent", "Required: the district whose children are compared.");
        }
        else
        {
            code = ParseDistrict("parent", parent, errors);
        }

        var radius = ParseInt("metres", metres, DefaultMetres, 1, MaxMetres, errors);
        var read = AsOfRead.Parse(asOf, knownAt, clock, errors);
        if (code is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, BadQueryTitle);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        var codes = new List<string> { code };
        codes.AddRange(await CoverageSql.ChildrenAsync(connection, code, ct));
        var all = await CachedIndicatorsAsync(db, scopes, cache, composition, codes, user, radius, read, clock, ct);
        if (all[0] is not { } self)
        {
            return NotFound(code);
        }

        // Assembled as text: each district's JSON is served as cached, never parsed again.
        var text = new StringBuilder(all.Sum(j => j?.Length ?? 0) + 64);
        text.Append("{\"parent\":").Append(self).Append(",\"children\":[");
        var first = true;
        foreach (var child in all.Skip(1).OfType<string>())
        {
            text.Append(first ? "" : ",").Append(child);
            first = false;
        }

        text.Append("]}");
        return new RawJsonResult(text.ToString(), contentType: "application/json");
    }

    /// <summary>
    /// The indicators of each of <paramref name="codes"/> as JSON text (null for a district that does not exist):
    /// the change stamps of all of them are read in one statement first, then each is served from
    /// <paramref name="cache"/> when computed under the same stamp, else computed and kept. Districts to compute are
    /// computed up to <see cref="Concurrency"/> at a time, each on its own connection. Each district is answered in the
    /// view <paramref name="user"/> may have of it (<see cref="HouseholdPrivacy.MaySeeHouseholds"/>), and the view is part
    /// of the cache key, so a staff answer is never served to the public. So is the as-of read (<see cref="AsOfRead.Key"/>).
    /// </summary>
    private static async Task<string?[]> CachedIndicatorsAsync(
        RegistryDbContext db, IServiceScopeFactory scopes, CoverageCache cache, CoverageComposition composition, IReadOnlyList<string> codes, ClaimsPrincipal user, int metres, AsOfRead read,
        TimeProvider clock, CancellationToken ct)
    {
        var views = codes.Select(c => HouseholdPrivacy.MaySeeHouseholds(user, c) ? HouseholdView.Staff : HouseholdView.Public).ToArray();
        var connection = await WriteResults.OpenAsync(db, ct);
        var stamps = await CoverageSql.ChangeStampsAsync(connection, codes.Select(DistrictScope.Prefix).ToList(), ct);

        // Known "now" is taken after the stamps: a write the stamps reflect was recorded before it, so the figures
        // cached under these stamps contain it.
        var asOf = read.After(clock);
        var today = asOf?.Date ?? Today(clock);
        var result = new string?[codes.Count];
        var missing = new List<int>();
        for (var i = 0; i < codes.Count; i++)
        {
            result[i] = cache.Get(codes[i], metres, views[i], stamps[i], read.Key);
            if (result[i] is null)
            {
                missing.Add(i);
            }
        }

        async Task ComputeAsync(RegistryDbContext context, int i, CancellationToken token)
        {
            if (await IndicatorsAsync(context, codes[i], metres, views[i], today, token, asOf, composition) is { } indicators)
            {
                if (asOf is not null)
                {
                    // What the figures are of: the date, and the knowledge when pinned (null: all recorded by the read).
                    indicators["asOf"] = asOf.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    indicators["knownAt"] = read.KnownAtPinned ? asOf.KnownAt : null;
                }

                result[i] = indicators.ToJsonString(Output);
                cache.Set(codes[i], metres, views[i], stamps[i], read.Key, result[i]!);
            }
        }

        if (missing.Count == 1)
        {
            await ComputeAsync(db, missing[0], ct);
        }
        else if (missing.Count > 1)
        {
            await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (i, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                await ComputeAsync(scope.ServiceProvider.GetRequiredService<RegistryDbContext>(), i, token);
            });
        }

        return result;
    }

    private static async Task<IResult> Trends(
        string districtCode, string? months, string? asOf, string? knownAt, ClaimsPrincipal user, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = ParseDistrict("districtCode", districtCode, errors);
        var count = ParseInt("months", months, DefaultMonths, 1, MaxMonths, errors);
        var read = AsOf.Parse(asOf, knownAt, clock, errors);
        if (code is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, BadQueryTitle);
        }

        if (await DistrictNameAsync(db, code, ct) is not { } name)
        {
            return NotFound(code);
        }

        // As of a date, the series ends with that date's month, counted from the records as they stood at its end.
        var today = read?.Date ?? Today(clock);
        var last = new DateOnly(today.Year, today.Month, 1);
        var connection = await WriteResults.OpenAsync(db, ct);
        var series = JsonNode.Parse(await CoverageSql.TrendsAsync(connection, DistrictScope.Prefix(code), last.AddMonths(1 - count), last, ct, read))!.AsObject();
        var monthList = series["months"]!.DeepClone();
        series.Remove("months");
        var suppress = !HouseholdPrivacy.MaySeeHouseholds(user, code);
        if (suppress)
        {
            // Every month withheld, not only those below 5: the window is the caller's choice, and a target's total
            // for its period minus the months shown would give the months hidden.
            var accepted = series["renovationsAccepted"]!.AsArray();
            for (var i = 0; i < accepted.Count; i++)
            {
                accepted[i] = null;
            }
        }

        var definitions = new JsonObject();
        foreach (var (key, _) in series)
        {
            definitions[key] = CoverageDefinitions.Trend(key);
        }

        var answer = new JsonObject
        {
            ["district"] = code,
            ["districtName"] = name,
            ["months"] = monthList,
            ["series"] = series,
            ["renovationsSuppressedBelow"] = suppress ? SuppressedTable.Threshold : null,
            ["definitions"] = definitions,
        };
        if (read is not null)
        {
            answer["asOf"] = read.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            answer["knownAt"] = string.IsNullOrWhiteSpace(knownAt) ? null : read.KnownAt;
        }

        return TypedResults.Ok(answer);
    }

    /// <summary>
    /// Every indicator of district <paramref name="code"/> in the <paramref name="view"/> of its households, or null when no
    /// such district exists; with <paramref name="asOf"/>, as the registry held them then (docs/history.md). Today's figures
    /// of a prefecture or the province are added up from its counties' when <paramref name="composition"/> is given
    /// (<see cref="CoverageComposition"/>); a read as of a date always runs the direct statement over the history.
    /// </summary>
    public static async Task<JsonObject?> IndicatorsAsync(
        RegistryDbContext db, string code, int metres, HouseholdView view, DateOnly today, CancellationToken ct, AsOf? asOf = null,
        CoverageComposition? composition = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var prefix = DistrictScope.Prefix(code);
        var connection = await WriteResults.OpenAsync(db, ct);
        var json = asOf is null && composition is not null
            ? await composition.FiguresAsync(connection, code, prefix, metres, ct)
            : await CoverageSql.FiguresAsync(connection, code, prefix, metres, ct, asOf);
        if (json is null)
        {
            return null;
        }

        var result = JsonNode.Parse(json)!.AsObject();
        result["facilities"]!.AsObject()["definition"] = CoverageDefinitions.Of("facilities");

        // What the public statistics publish of this county: the only household counts the public figures may add up.
        SuppressedTable? published = null;
        if (view == HouseholdView.Public && HouseholdPrivacy.IsCounty(code))
        {
            var rows = await RenovationSql.CountsAsync(connection, prefix, ct, asOf: asOf);
            published = SuppressedTable.Published(rows.Where(r => r.District == code).Select(r => (r.Status, r.Year, r.Count)));
        }

        ToiletReach(result["toiletReach"]!.AsObject(), code, metres, view, published);

        var townships = result["townshipService"]!.AsObject();
        var target = await PlanTargetsInForce.Of(db, asOf)
            .Where(t => t.DistrictCode == code && t.Indicator == TownshipServiceIndicator)
            .OrderByDescending(t => t.PeriodEnd).ThenBy(t => t.Id).FirstOrDefaultAsync(ct);
        townships["target"] = target is null ? null : TargetJson(target, townships["share"]?.GetValue<decimal>());
        townships["definition"] = CoverageDefinitions.Of("townshipService");
        result["mainRoads"]!.AsObject()["definition"] = CoverageDefinitions.Of("mainRoads");

        // Today's states come with the figures (counted over the rows that statement read); a past date's from the schedule.
        var counted = result["inspectionCounts"] as JsonObject;
        result.Remove("inspectionCounts");
        long onTime, dueSoon, overdue, never, total;
        if (counted is not null)
        {
            (total, onTime, dueSoon, overdue, never) = (counted["facilities"]!.GetValue<long>(), counted["onTime"]!.GetValue<long>(),
                counted["dueSoon"]!.GetValue<long>(), counted["overdue"]!.GetValue<long>(), counted["never"]!.GetValue<long>());
        }
        else
        {
            var schedule = JsonNode.Parse(await InspectionSql.ScheduleAsync(connection, prefix, 30, 0, ct, asOf: asOf))!["counts"]!.AsObject();
            (total, onTime, dueSoon, overdue, never) = (schedule["total"]!.GetValue<long>(), schedule["onTime"]!.GetValue<long>(),
                schedule["dueSoon"]!.GetValue<long>(), schedule["overdue"]!.GetValue<long>(), schedule["neverInspected"]!.GetValue<long>());
        }

        var within = onTime + dueSoon;
        result["inspections"] = new JsonObject
        {
            ["facilities"] = total,
            ["onTime"] = onTime,
            ["dueSoon"] = dueSoon,
            ["overdue"] = overdue,
            ["never"] = never,
            ["withinIntervalShare"] = total == 0 ? null : Math.Round((decimal)within / total, 4),
            ["definition"] = CoverageDefinitions.Of("inspections"),
        };

        var defects = JsonNode.Parse(await DefectSql.StatsAsync(connection, prefix, ct, asOf: asOf))!.AsObject();
        result["defects"] = new JsonObject
        {
            ["open"] = defects["open"]!.DeepClone(),
            ["overdue"] = defects["overdue"]!.DeepClone(),
            ["openBySeverity"] = defects["bySeverity"]!.DeepClone(),
            ["repaired"] = defects["repaired"]!.DeepClone(),
            ["medianDaysToRepair"] = defects["medianDaysToRepair"]?.DeepClone(),
            ["definition"] = CoverageDefinitions.Of("defects"),
        };

        // As of a date, that date is "today" of the forecast.
        result["renovations"] = await RenovationsAsync(db, connection, code, prefix, asOf?.Date ?? today, view, published, ct, asOf);
        result["reports"]!.AsObject()["definition"] = CoverageDefinitions.Of("reports");

        // 新建项目无障碍设施建设率: the year up to the reading's day and the plan period, against the plan target.
        result["newProjects"] = await NewProjectsIndicator.JsonAsync(db, connection, code, prefix, asOf?.Date ?? today, ct, asOf);

        // 网格巡查覆盖率: each grid's own patrol interval up to the reading's instant (now, or the end of the as-of date).
        result["patrols"] = PatrolCoverage(await PatrolSql.IndicatorAsync(connection, prefix, null, null, (asOf?.Instant ?? TimeProvider.System.GetUtcNow()).ToUniversalTime(), ct, asOf));
        return result;
    }

    /// <summary>
    /// The panel's patrol coverage from <see cref="PatrolSql.IndicatorAsync"/>'s rows: the district's grids together and per
    /// township (no personal data: counts of facilities). No grids: no rate.
    /// </summary>
    private static JsonObject PatrolCoverage(IReadOnlyList<PatrolIndicatorRow> rows)
    {
        var indicator = PatrolIndicator.Of("", null, null, rows);
        return new JsonObject
        {
            ["grids"] = indicator.Grids.Count,
            ["facilities"] = indicator.Total.Facilities,
            ["patrolled"] = indicator.Total.Patrolled,
            ["share"] = indicator.Total.Ratio,
            ["townships"] = new JsonArray([.. indicator.Townships.Select(t => (JsonNode)new JsonObject
            {
                ["code"] = t.Code,
                ["name"] = t.Name,
                ["facilities"] = t.Share.Facilities,
                ["patrolled"] = t.Share.Patrolled,
                ["share"] = t.Share.Ratio,
            })]),
            ["definition"] = CoverageDefinitions.Of("patrols"),
        };
    }

    /// <summary>
    /// Totals of toilet reach. The district's staff get households in the demand and as a line of their own. The public
    /// gets the demand of public buildings and bus stops only, and the households' line (total, covered, uncovered) only
    /// at the default radius (any other radius could be bisected to a household's distance from a toilet), only for a
    /// county (so no parent minus its children reveals a hidden one), only when covered and uncovered are each at least
    /// <see cref="SuppressedTable.Threshold"/> and the total is what the renovation statistics publish
    /// (<paramref name="published"/>); otherwise the whole line is withheld, in the same shape whatever the counts, so
    /// that a few households cannot be told from none.
    /// </summary>
    private static void ToiletReach(JsonObject reach, string code, int metres, HouseholdView view, SuppressedTable? published)
    {
        long Read(string part, string field) => reach[part]![field]!.GetValue<long>();
        var households = Read("households", "total");
        var housedCovered = Read("households", "covered");
        var staff = view == HouseholdView.Staff;
        var shown = staff || (metres == DefaultMetres && HouseholdPrivacy.IsCounty(code)
            && housedCovered >= SuppressedTable.Threshold && households - housedCovered >= SuppressedTable.Threshold
            && HouseholdPrivacy.PublishedSum(published, RenovationWorkflow.Done) == households);
        reach["households"] = new JsonObject
        {
            ["total"] = shown ? households : null,
            ["covered"] = shown ? housedCovered : null,
            ["uncovered"] = shown ? households - housedCovered : null,
            ["suppressed"] = !shown,
        };
        reach["householdsInDemand"] = staff;

        var total = Read("publicBuildings", "total") + Read("busStops", "total") + (staff ? households : 0);
        var covered = Read("publicBuildings", "covered") + Read("busStops", "covered") + (staff ? housedCovered : 0);
        reach["demandPoints"] = total;
        reach["covered"] = covered;
        reach["share"] = total == 0 ? null : Math.Round((decimal)covered / total, 4);
        reach["definition"] = CoverageDefinitions.Of("toiletReach");
    }

    private static JsonObject TargetJson(PlanTarget target, decimal? share) => new()
    {
        ["id"] = target.Id,
        ["title"] = target.Title,
        ["value"] = target.Value,
        ["comparator"] = target.Comparator,
        ["binding"] = target.Binding,
        ["periodStart"] = target.PeriodStart,
        ["periodEnd"] = target.PeriodEnd,
        ["sourceDocument"] = target.SourceDocument,
        ["met"] = share is { } s && RenovationPlanning.Meets(s, target.Comparator, target.Value),
    };

    /// <summary>
    /// Renovation progress against each renovation target of the district, reusing <see cref="RenovationPlanning"/>. The
    /// district's staff get every figure. The public gets a target's accepted households (and what follows from them:
    /// forecast, ratios, whether it will be missed) only when at least <see cref="SuppressedTable.Threshold"/> and not 1–4
    /// away from another target's shown figure (two periods' difference would count the years between); the pipeline,
    /// and a ratio over the registered households, only as sums the county's statistics publish
    /// (<paramref name="published"/>). With <paramref name="asOf"/>, the targets in force, cases and settings then.
    /// </summary>
    private static async Task<JsonObject> RenovationsAsync(
        RegistryDbContext db, Npgsql.NpgsqlConnection connection, string code, string prefix, DateOnly today, HouseholdView view, SuppressedTable? published,
        CancellationToken ct, AsOf? asOf)
    {
        var targets = await PlanTargetsInForce.Of(db, asOf)
            .Where(t => t.DistrictCode == code && t.Indicator.StartsWith("household_renovation"))
            .OrderBy(t => t.Id).ToListAsync(ct);
        var eligible = await RenovationSql.EligibleHouseholdsAsync(connection, code, ct, asOf);
        var progress = new List<(TargetProgress P, int Registered)>();
        foreach (var t in targets)
        {
            var to = new DateOnly(t.PeriodEnd, 12, 31);
            var (accepted, pipeline, registered) = await RenovationSql.TargetFiguresAsync(
                connection, prefix, new DateOnly(t.PeriodStart, 1, 1), today < to ? today : to, ct, asOf);
            progress.Add((RenovationPlanning.Progress(t, accepted, pipeline, eligible ?? registered, today), registered));
        }

        var staff = view == HouseholdView.Staff;
        var shownAccepted = new HashSet<long>();
        foreach (var (p, _) in progress.OrderByDescending(x => x.P.Accepted).ThenBy(x => x.P.TargetId))
        {
            if (staff || (p.Accepted >= SuppressedTable.Threshold
                && progress.Where(x => shownAccepted.Contains(x.P.TargetId)).All(x => Math.Abs(x.P.Accepted - p.Accepted) is 0 or >= SuppressedTable.Threshold)))
            {
                shownAccepted.Add(p.TargetId);
            }
        }

        var pipelineShown = staff || HouseholdPrivacy.PublishedSum(published, RenovationWorkflow.Pipeline) is { } pipelineSum && progress.All(x => x.P.Pipeline == pipelineSum);
        var list = new JsonArray();
        foreach (var (p, registered) in progress)
        {
            var shown = shownAccepted.Contains(p.TargetId);
            // A ratio over the registered households would reveal their number: only when the statistics publish it.
            var ratioShown = shown && (staff || eligible is not null
                || HouseholdPrivacy.PublishedSum(published, RenovationWorkflow.All.Where(s => s != RenovationWorkflow.Rejected)) == registered);
            var judged = p.Kind == PlanTargetKind.Ratio ? ratioShown : shown;
            list.Add(new JsonObject
            {
                ["targetId"] = p.TargetId,
                ["indicator"] = p.Indicator,
                ["title"] = p.Title,
                ["kind"] = p.Kind == PlanTargetKind.Ratio ? "ratio" : "count",
                ["value"] = p.Value,
                ["comparator"] = p.Comparator,
                ["binding"] = p.Binding,
                ["periodStart"] = p.PeriodStart,
                ["periodEnd"] = p.PeriodEnd,
                ["accepted"] = shown ? p.Accepted : null,
                ["pipeline"] = pipelineShown ? p.Pipeline : null,
                ["forecast"] = shown ? p.Forecast : null,
                ["currentRatio"] = ratioShown ? p.CurrentRatio : null,
                ["forecastRatio"] = ratioShown ? p.ForecastRatio : null,
                ["willMiss"] = judged ? p.WillMiss : null,
                ["warning"] = judged && p.Warning is not null ? string.Create(CultureInfo.InvariantCulture, $"{p.Title}: {p.Warning}") : null,
            });
        }

        return new JsonObject { ["targets"] = list, ["definition"] = CoverageDefinitions.Of("renovations") };
    }

    /// <summary>The normalized code of <paramref name="text"/>, or null with an error on <paramref name="field"/>.</summary>
    internal static string? ParseDistrict(string field, string text, FieldErrors errors)
    {
        if (DistrictCodes.TryNormalize(text, out var code))
        {
            return code;
        }

        errors.Add(field, $"'{text}' is not a GB/T 2260 code.");
        return null;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, <paramref name="fallback"/> when absent.</summary>
    internal static int ParseInt(string field, string? text, int fallback, int min, int max, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(field, FormattableString.Invariant($"Expected a whole number from {min} to {max}."));
            return fallback;
        }

        return value;
    }

    /// <summary>The name of district <paramref name="code"/>, or null when there is none.</summary>
    internal static Task<string?> DistrictNameAsync(RegistryDbContext db, string code, CancellationToken ct) =>
        db.Districts.AsNoTracking().Where(d => d.Code == code).Select(d => d.Name).FirstOrDefaultAsync(ct);

    /// <summary>404 for an unknown district.</summary>
    internal static IResult NotFound(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "District not found", detail: $"No district has code {code}.");

    private static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
}

/// <summary>Which figures of a district's households an answer holds (see <see cref="HouseholdPrivacy"/>).</summary>
public enum HouseholdView
{
    /// <summary>The public figures: never below 5, never steered by a parameter, never derivable by subtraction.</summary>
    Public = 0,

    /// <summary>Every figure, for the district's planners and administrators.</summary>
    Staff = 1,
}
