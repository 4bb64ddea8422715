using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// <c>/api/v1/coverage/{code}/gaps|candidates|what-if</c>: where demand is not covered by a kind of facility, where to
/// build next, and what one more facility at a point would change. Public reads; households are private, so what a
/// caller receives depends on whether the caller may see the district's households
/// (<see cref="HouseholdPrivacy.MaySeeHouseholds"/>): such staff get every household; anyone else gets gap cells,
/// candidates and what-if without households at all (public buildings and bus stops only). The caller chooses the
/// cell size, the radius and the point, so any household figure in them could be differenced or overlaid down to a
/// home (cells of ~80 sizes overlaid put one within 9 m); with households left out, cell and radius stay free.
/// </summary>
public static class GapEndpoints
{
    /// <summary>Default hexagon size, metres.</summary>
    public const int DefaultCell = 500;

    /// <summary>Smallest hexagon size, metres.</summary>
    public const int MinCell = 100;

    /// <summary>Largest hexagon size, metres.</summary>
    public const int MaxCell = 5000;

    /// <summary>Default number of candidate sites.</summary>
    public const int DefaultCount = 10;

    /// <summary>Most candidate sites.</summary>
    public const int MaxCount = 50;

    /// <summary>Default facility kind.</summary>
    public const string DefaultKind = "accessible_toilet";

    private static readonly JsonSerializerOptions Output = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Maps the gap routes on the coverage group.</summary>
    public static RouteGroupBuilder MapGapEndpoints(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("{districtCode}/gaps", Gaps).WithName("GetCoverageGaps").RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("Hexagon cells (ST_HexagonGrid, metres, in the district's Gauss–Krüger zone) holding demand not covered by an operational facility of kind within metres: a GeoJSON FeatureCollection; cell = hexagon size 100–5000 m. Households count as demand for the district's planners and administrators only; for anyone else the cells hold public buildings and bus stops only (households = none), so cell and metres cannot locate a home. asOf=yyyy-MM-dd (and knownAt=ISO instant) reads the facilities and households as they stood at the end of that day (China Standard Time), as known then (docs/history.md).")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("{districtCode}/candidates", Candidates).WithName("GetCoverageCandidates").RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("Top places to build a facility of kind next (greedy maximal coverage over the centres of the gap cells), in pick order with the demand each adds; count 1–50. Households count as demand for the district's planners and administrators only (for anyone else: public buildings and bus stops). asOf/knownAt as for the gaps.")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("{districtCode}/what-if", WhatIf).WithName("GetCoverageWhatIf").RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("The district's reach before and after one more operational facility of kind at lon/lat (nothing is written). Households count as demand for the district's planners and administrators only (for anyone else: public buildings and bus stops). asOf/knownAt as for the gaps.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Gaps(
        string districtCode, string? kind, string? metres, string? cell, string? asOf, string? knownAt, ClaimsPrincipal user,
        RegistryDbContext db, FacilityKindCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = Parse(districtCode, kind, metres, cell, asOf, knownAt, catalog, clock, errors);
        if (query is null)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        if (await CoverageEndpoints.DistrictNameAsync(db, query.Code, ct) is not { } name)
        {
            return CoverageEndpoints.NotFound(query.Code);
        }

        query = query with { Households = HouseholdPrivacy.MaySeeHouseholds(user, query.Code) ? HouseholdDemand.All : HouseholdDemand.None };
        var connection = await WriteResults.OpenAsync(db, ct);
        var figures = JsonNode.Parse(await GapsSql.GapsAsync(connection, query, ct))!.AsObject();
        var demand = figures["demand"]!.GetValue<long>();
        var covered = figures["covered"]!.GetValue<long>();
        var result = Header(query, name);
        result["gridEpsg"] = figures["epsg"]?.DeepClone();
        result["demand"] = demand;
        result["covered"] = covered;
        result["share"] = Share(covered, demand);
        result["definition"] = CoverageDefinitions.Of("gaps");
        // The figures are foreign members of the FeatureCollection; never a `properties` member, which RFC 7946 §7.1
        // forbids on a FeatureCollection (readers take it for a Feature's).
        var collection = new JsonObject { ["type"] = "FeatureCollection" };
        foreach (var (key, value) in result)
        {
            collection[key] = value?.DeepClone();
        }

        collection["features"] = figures["features"]!.DeepClone();
        return new RawJsonResult(collection.ToJsonString(Output));
    }

    private static async Task<IResult> Candidates(
        string districtCode, string? kind, string? metres, string? cell, string? count, string? asOf, string? knownAt, ClaimsPrincipal user,
        RegistryDbContext db, FacilityKindCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = Parse(districtCode, kind, metres, cell, asOf, knownAt, catalog, clock, errors);
        var picks = CoverageEndpoints.ParseInt("count", count, DefaultCount, 1, MaxCount, errors);
        if (query is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        if (await CoverageEndpoints.DistrictNameAsync(db, query.Code, ct) is not { } name)
        {
            return CoverageEndpoints.NotFound(query.Code);
        }

        query = query with { Households = HouseholdPrivacy.MaySeeHouseholds(user, query.Code) ? HouseholdDemand.All : HouseholdDemand.None };
        var connection = await WriteResults.OpenAsync(db, ct);
        var figures = JsonNode.Parse(await GapsSql.CandidatesAsync(connection, query, ct))!.AsObject();
        var demand = figures["demand"]!.GetValue<long>();
        var covered = figures["covered"]!.GetValue<long>();
        var candidates = figures["candidates"]!.AsArray().Select(c => new Candidate(
            c!["i"]!.GetValue<long>(), c["j"]!.GetValue<long>(), c["lon"]!.GetValue<double>(), c["lat"]!.GetValue<double>(),
            c["covers"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray())).ToList();

        var features = new JsonArray();
        var cumulative = covered;
        var rank = 0;
        foreach (var pick in GreedyCoverage.Choose(candidates, picks))
        {
            cumulative += pick.AddedDemand;
            features.Add(new JsonObject
            {
                ["type"] = "Feature",
                ["id"] = pick.Site.Cell,
                ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(pick.Site.Lon, pick.Site.Lat) },
                ["properties"] = new JsonObject
                {
                    ["rank"] = ++rank,
                    ["cell"] = pick.Site.Cell,
                    ["addedDemand"] = pick.AddedDemand,
                    ["cumulativeCovered"] = cumulative,
                    ["cumulativeShare"] = Share(cumulative, demand),
                },
            });
        }

        var result = new JsonObject { ["type"] = "FeatureCollection" };
        foreach (var (key, value) in Header(query, name))
        {
            result[key] = value?.DeepClone();
        }

        result["count"] = picks;
        result["baseline"] = new JsonObject { ["demand"] = demand, ["covered"] = covered, ["share"] = Share(covered, demand) };
        result["definition"] = CoverageDefinitions.Of("candidates");
        result["features"] = features;
        return new RawJsonResult(result.ToJsonString(Output));
    }

    private static async Task<IResult> WhatIf(
        string districtCode, string? kind, string? metres, string? lon, string? lat, string? asOf, string? knownAt, ClaimsPrincipal user,
        RegistryDbContext db, FacilityKindCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = Parse(districtCode, kind, metres, null, asOf, knownAt, catalog, clock, errors);
        var x = ParseCoordinate("lon", lon, 180, errors);
        var y = ParseCoordinate("lat", lat, 90, errors);
        if (query is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        if (await CoverageEndpoints.DistrictNameAsync(db, query.Code, ct) is not { } name)
        {
            return CoverageEndpoints.NotFound(query.Code);
        }

        query = query with { Households = HouseholdPrivacy.MaySeeHouseholds(user, query.Code) ? HouseholdDemand.All : HouseholdDemand.None };
        var connection = await WriteResults.OpenAsync(db, ct);
        var (demand, before, after) = await GapsSql.WhatIfAsync(connection, query, x, y, ct);
        var result = Header(query, name);
        result.Remove("cellM");
        result["point"] = new JsonObject { ["lon"] = x, ["lat"] = y };
        result["before"] = new JsonObject { ["demand"] = demand, ["covered"] = before, ["share"] = Share(before, demand) };
        result["after"] = new JsonObject { ["demand"] = demand, ["covered"] = after, ["share"] = Share(after, demand) };
        result["added"] = after - before;
        result["definition"] = CoverageDefinitions.Of("whatIf");
        return TypedResults.Ok(result);
    }

    /// <summary>The members every gap answer starts with (and, read as of a date, the date and pinned knowledge).</summary>
    private static JsonObject Header(GapQuery query, string name)
    {
        var header = new JsonObject
        {
            ["district"] = query.Code,
            ["districtName"] = name,
            ["kind"] = query.Kind,
            ["metres"] = query.Metres,
            ["cellM"] = query.CellM,
            ["households"] = query.Households == HouseholdDemand.All ? "all" : "none",
        };
        if (query.AsOf is { } asOf)
        {
            header["asOf"] = asOf.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            header["knownAt"] = query.KnownAtPinned ? asOf.KnownAt : null;
        }

        return header;
    }

    private static GapQuery? Parse(
        string districtCode, string? kind, string? metres, string? cell, string? asOf, string? knownAt, FacilityKindCatalog catalog, TimeProvider clock,
        FieldErrors errors)
    {
        var code = CoverageEndpoints.ParseDistrict("districtCode", districtCode, errors);
        var kindCode = string.IsNullOrWhiteSpace(kind) ? DefaultKind : kind.Trim();
        if (!catalog.TryGet(kindCode, out _))
        {
            errors.Add("kind", $"'{kindCode}' is not a facility kind (see /api/v1/facility-kinds).");
        }

        var radius = CoverageEndpoints.ParseInt("metres", metres, CoverageEndpoints.DefaultMetres, 1, CoverageEndpoints.MaxMetres, errors);
        var size = CoverageEndpoints.ParseInt("cell", cell, DefaultCell, MinCell, MaxCell, errors);
        var read = AsOf.Parse(asOf, knownAt, clock, errors);
        return errors.IsEmpty && code is not null
            ? new GapQuery(code, DistrictScope.Prefix(code), kindCode, radius, size, HouseholdDemand.None, read) { KnownAtPinned = !string.IsNullOrWhiteSpace(knownAt) }
            : null;
    }

    private static double ParseCoordinate(string name, string? text, double limit, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(name, "Required: degrees (CGCS2000, as WGS 84).");
            return 0;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || Math.Abs(value) > limit)
        {
            errors.Add(name, FormattableString.Invariant($"Expected degrees from -{limit} to {limit}."));
        }

        return value;
    }

    private static decimal? Share(long covered, long demand) => demand == 0 ? null : Math.Round((decimal)covered / demand, 4);
}
