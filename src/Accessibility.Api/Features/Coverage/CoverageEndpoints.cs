using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// <c>/api/v1/coverage</c>: the indicators the plans are monitored with, per district at every level, public.
/// Household figures appear only as totals, and totals below <see cref="SuppressedTable.Threshold"/> are withheld.
/// </summary>
public static class CoverageEndpoints
{
    /// <summary>Default radius of toilet reach, metres.</summary>
    public const int DefaultMetres = 500;

    /// <summary>Largest radius accepted, metres.</summary>
    public const int MaxMetres = 5000;

    /// <summary>Plan indicator of township service coverage ("乡乡有机构").</summary>
    public const string TownshipServiceIndicator = "township_service_facility_coverage";

    /// <summary>Maps the coverage routes.</summary>
    public static IEndpointRouteBuilder MapCoverageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/coverage").WithTags("Coverage");
        group.MapGet("{districtCode}", Get).WithName("GetDistrictCoverage")
            .WithSummary("The indicators of one district (any level), each with its definition in Chinese and English; metres = toilet reach radius (default 500).")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("", Children).WithName("ListChildCoverage")
            .WithSummary("The indicators of every direct child of parent, for comparison.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Get(string districtCode, string? metres, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!DistrictCodes.TryNormalize(districtCode, out var code))
        {
            errors.Add("districtCode", $"'{districtCode}' is not a GB/T 2260 code.");
        }

        var radius = ParseMetres(metres, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        var result = await IndicatorsAsync(db, code, radius, Today(clock), ct);
        return result is null ? NotFound(code) : TypedResults.Ok(result);
    }

    private static async Task<IResult> Children(string? parent, string? metres, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = "";
        if (parent is null)
        {
            errors.Add("parent", "Required: the district whose children are compared.");
        }
        else if (!DistrictCodes.TryNormalize(parent, out code))
        {
            errors.Add("parent", $"'{parent}' is not a GB/T 2260 code.");
        }

        var radius = ParseMetres(metres, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        var today = Today(clock);
        var self = await IndicatorsAsync(db, code, radius, today, ct);
        if (self is null)
        {
            return NotFound(code);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        var children = new JsonArray();
        foreach (var child in await CoverageSql.ChildrenAsync(connection, code, ct))
        {
            if (await IndicatorsAsync(db, child, radius, today, ct) is { } indicators)
            {
                children.Add(indicators);
            }
        }

        return TypedResults.Ok(new JsonObject { ["parent"] = self, ["children"] = children });
    }

    /// <summary>Every indicator of district <paramref name="code"/>, or null when no such district exists.</summary>
    public static async Task<JsonObject?> IndicatorsAsync(RegistryDbContext db, string code, int metres, DateOnly today, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var prefix = DistrictScope.Prefix(code);
        var connection = await WriteResults.OpenAsync(db, ct);
        var json = await CoverageSql.FiguresAsync(connection, code, prefix, metres, ct);
        if (json is null)
        {
            return null;
        }

        var result = JsonNode.Parse(json)!.AsObject();
        result["facilities"]!.AsObject()["definition"] = CoverageDefinitions.Of("facilities");
        ToiletReach(result["toiletReach"]!.AsObject());

        var townships = result["townshipService"]!.AsObject();
        var target = await db.PlanTargets.AsNoTracking()
            .Where(t => t.DistrictCode == code && t.Indicator == TownshipServiceIndicator)
            .OrderByDescending(t => t.PeriodEnd).ThenBy(t => t.Id).FirstOrDefaultAsync(ct);
        townships["target"] = target is null ? null : TargetJson(target, townships["share"]?.GetValue<decimal>());
        townships["definition"] = CoverageDefinitions.Of("townshipService");
        result["mainRoads"]!.AsObject()["definition"] = CoverageDefinitions.Of("mainRoads");

        var schedule = JsonNode.Parse(await InspectionSql.ScheduleAsync(connection, prefix, 30, 0, ct))!["counts"]!.AsObject();
        var total = schedule["total"]!.GetValue<long>();
        var within = schedule["onTime"]!.GetValue<long>() + schedule["dueSoon"]!.GetValue<long>();
        result["inspections"] = new JsonObject
        {
            ["facilities"] = total,
            ["onTime"] = schedule["onTime"]!.GetValue<long>(),
            ["dueSoon"] = schedule["dueSoon"]!.GetValue<long>(),
            ["overdue"] = schedule["overdue"]!.GetValue<long>(),
            ["never"] = schedule["neverInspected"]!.GetValue<long>(),
            ["withinIntervalShare"] = total == 0 ? null : Math.Round((decimal)within / total, 4),
            ["definition"] = CoverageDefinitions.Of("inspections"),
        };

        var defects = JsonNode.Parse(await DefectSql.StatsAsync(connection, prefix, ct))!.AsObject();
        result["defects"] = new JsonObject
        {
            ["open"] = defects["open"]!.DeepClone(),
            ["overdue"] = defects["overdue"]!.DeepClone(),
            ["openBySeverity"] = defects["bySeverity"]!.DeepClone(),
            ["repaired"] = defects["repaired"]!.DeepClone(),
            ["medianDaysToRepair"] = defects["medianDaysToRepair"]?.DeepClone(),
            ["definition"] = CoverageDefinitions.Of("defects"),
        };

        result["renovations"] = await RenovationsAsync(db, connection, code, prefix, today, ct);
        return result;
    }

    /// <summary>
    /// Totals of toilet reach: households join the demand only when at least <see cref="SuppressedTable.Threshold"/>,
    /// so that a small count is never revealed (nor derivable from the total).
    /// </summary>
    private static void ToiletReach(JsonObject reach)
    {
        long Read(string part, string field) => reach[part]![field]!.GetValue<long>();
        var households = Read("households", "total");
        var countHouseholds = households >= SuppressedTable.Threshold;
        if (!countHouseholds)
        {
            reach["households"] = new JsonObject { ["total"] = null, ["covered"] = null, ["suppressed"] = households > 0 };
        }

        var total = Read("publicBuildings", "total") + Read("busStops", "total") + (countHouseholds ? households : 0);
        var covered = Read("publicBuildings", "covered") + Read("busStops", "covered") + (countHouseholds ? Read("households", "covered") : 0);
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

    /// <summary>Renovation progress against each renovation target of the district, reusing <see cref="RenovationPlanning"/>.</summary>
    private static async Task<JsonObject> RenovationsAsync(
        RegistryDbContext db, Npgsql.NpgsqlConnection connection, string code, string prefix, DateOnly today, CancellationToken ct)
    {
        var targets = await db.PlanTargets.AsNoTracking()
            .Where(t => t.DistrictCode == code && t.Indicator.StartsWith("household_renovation"))
            .OrderBy(t => t.Id).ToListAsync(ct);
        var settings = await db.RenovationDistrictSettings.AsNoTracking().SingleOrDefaultAsync(s => s.DistrictCode == code, ct);
        var list = new JsonArray();
        foreach (var t in targets)
        {
            var to = new DateOnly(t.PeriodEnd, 12, 31);
            var (accepted, pipeline, registered) = await RenovationSql.TargetFiguresAsync(
                connection, prefix, new DateOnly(t.PeriodStart, 1, 1), today < to ? today : to, ct);
            var p = RenovationPlanning.Progress(t, accepted, pipeline, settings?.EligibleHouseholds ?? registered, today);
            var shown = p.Accepted >= SuppressedTable.Threshold;
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
                ["pipeline"] = p.Pipeline >= SuppressedTable.Threshold ? p.Pipeline : null,
                ["forecast"] = shown ? p.Forecast : null,
                ["currentRatio"] = shown ? p.CurrentRatio : null,
                ["forecastRatio"] = shown ? p.ForecastRatio : null,
                ["willMiss"] = p.WillMiss,
                ["warning"] = p.Warning is null ? null : string.Create(CultureInfo.InvariantCulture, $"{p.Title}: {(shown ? p.Warning : "Binding target will be missed at the current pace.")}"),
            });
        }

        return new JsonObject { ["targets"] = list, ["definition"] = CoverageDefinitions.Of("renovations") };
    }

    private static int ParseMetres(string? metres, FieldErrors errors)
    {
        if (metres is null)
        {
            return DefaultMetres;
        }

        if (!int.TryParse(metres, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > MaxMetres)
        {
            errors.Add("metres", $"Expected a whole number of metres from 1 to {MaxMetres}.");
            return DefaultMetres;
        }

        return value;
    }

    private static IResult NotFound(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "District not found", detail: $"No district has code {code}.");

    private static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
}
