using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Inspections;

/// <summary>
/// <c>/api/v1/checklists</c> and <c>/api/v1/inspections</c>: checklists per facility kind, recording an inspection
/// (idempotent on the client id), a judging preview, lists, the inspection schedule and an inspector's worklist.
/// </summary>
public static class InspectionEndpoints
{
    private const string Json = "application/json";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapInspectionEndpoints(this IEndpointRouteBuilder app)
    {
        var checklists = app.MapGroup("/api/v1/checklists").WithTags("Inspections");
        checklists.MapGet("", ListChecklists)
            .WithName("ListChecklists").AllowAnonymous().WithSummary("Every inspection checklist, one per facility kind and one for the road segment a road construction project plans, with thresholds, clauses and confidence; and the due days per severity.");
        checklists.MapGet("{kind}", GetChecklist)
            .WithName("GetChecklist").AllowAnonymous().WithSummary("The inspection checklist of one facility kind.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var group = app.MapGroup("/api/v1/inspections").WithTags("Inspections");
        group.MapPost("", Submit)
            .WithName("SubmitInspection").RequireAccess(ResourceKinds.Inspection, Operations.Create)
            .WithSummary("Records an inspection: judges every answer, creates, verifies or reopens defects and sets the facility's status. A repeated clientId with the same body returns the stored inspection (200); with another body, 409.")
            .Accepts<InspectionRequest>(Json)
            .Produces(StatusCodes.Status201Created, contentType: Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            ;
        group.MapPost("judge", JudgePreview)
            .WithName("JudgeInspection").RequireAccess(ResourceKinds.Inspection, Operations.Create).WithSummary("Judges an inspection's answers without storing anything (online preview).")
            .Accepts<InspectionRequest>(Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            ;
        group.MapGet("", List)
            .WithName("ListInspections").RequireAccess(ResourceKinds.Inspection, Operations.Read).WithSummary("Inspections, newest first, filtered by facility and district, paged.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesValidationProblem();
        group.MapGet("{id:long}", Get)
            .WithName("GetInspection").RequireAccess(ResourceKinds.Inspection, Operations.Read).WithSummary("One inspection with its judged answers and the defects it created, verified or reopened.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("schedule", Schedule)
            .WithName("InspectionSchedule").RequireAccess(ResourceKinds.Inspection, Operations.Read).WithSummary("Facilities of a district due soon, overdue and never inspected, by the kinds' inspection intervals; with asOf (and knownAt), as they stood at the end of that day.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesValidationProblem();
        group.MapGet("worklist", Worklist)
            .WithName("InspectionWorklist").RequireAccess(ResourceKinds.Inspection, Operations.Create)
            .WithSummary("Facilities due soon, overdue or never inspected in the caller's districts, ordered into a nearest-neighbour walk from a start point; geodesic metres.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static Ok<ChecklistsResponse> ListChecklists(ChecklistCatalog catalog) =>
        TypedResults.Ok(new ChecklistsResponse(catalog.Checklists, catalog.DueDays));

    private static IResult GetChecklist(string kind, ChecklistCatalog catalog) =>
        catalog.TryGet(kind, out var checklist)
            ? TypedResults.Ok(checklist)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown facility kind",
                detail: "No checklist for kind '" + kind + "'; see /api/v1/facility-kinds.");

    private static async Task<IResult> Submit(HttpContext http, SubmitInspection submit, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<InspectionRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return await (await submit.RunAsync(http, request, ct)).ToResultAsync(async stored =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var json = await InspectionSql.ByIdAsync(connection, stored.Id, StaffNames(http), ct);
            return new RawJsonResult(json!.Value.Json, stored.Repeated ? StatusCodes.Status200OK : StatusCodes.Status201Created, Json)
            {
                Location = "/api/v1/inspections/" + Invariant(stored.Id),
            };
        });
    }

    private static async Task<IResult> JudgePreview(HttpContext http, SubmitInspection submit, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<InspectionRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var prepared = await submit.PrepareAsync(http, request, checkScope: false, ct);
        return await prepared.ToResultAsync(p => Task.FromResult<IResult>(TypedResults.Ok(
            new JudgeResponse(p.Facility.Id, p.Facility.Kind, InspectionJudge.Result(p.Answers), InspectionJudge.FacilityStatus([.. p.Answers]), p.Answers))));
    }

    /// <summary>SHA-256 of the submission's content (not its formatting), to tell a retry from a different inspection.</summary>
    internal static string Fingerprint(InspectionRequest r)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            r.FacilityId,
            InspectedAt = r.InspectedAt?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            Answers = r.Answers?.Select(a => a is null ? null : new { a.Item, Value = a.Value?.ToJsonString(), a.Unit, a.Note, a.PhotoIds }),
            r.Note,
            r.PhotoIds,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static async Task<IResult> List(HttpRequest request, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prefix = DistrictPrefix(request.Query["district"], errors);
        long? facility = null;
        if (request.Query["facility"].ToString() is { Length: > 0 } f)
        {
            if (long.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                facility = id;
            }
            else
            {
                errors["facility"] = ["Expected a facility id."];
            }
        }

        var limit = Paging.ParseInt(request.Query["limit"], "limit", 50, 1, 500, errors);
        var offset = Paging.ParseInt(request.Query["offset"], "offset", 0, 0, int.MaxValue - 500, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var json = await InspectionSql.ListAsync(connection, facility, prefix, limit, offset, StaffNames(request.HttpContext), ct,
            ReadScope.For(request.HttpContext, ResourceKinds.Inspection, Operations.Read));
        return new RawJsonResult(json, contentType: Json);
    }

    private static async Task<IResult> Get(long id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await InspectionSql.ByIdAsync(connection, id, StaffNames(http), ct) is not { } stored)
        {
            return WriteResults.NotFound(id);
        }

        return await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.Inspection, stored.DistrictCode)) is { } denied
            ? denied
            : new RawJsonResult(stored.Json, contentType: Json);
    }

    /// <summary>
    /// Whether the inspectors are named: inspections are public (public supervision), the staff who made them are read
    /// by signed-in staff and API keys with the layer (rule table, read-personal); the SQL leaves them out otherwise.
    /// </summary>
    internal static bool StaffNames(HttpContext http) =>
        AccessRules.Allows(http.User, Operations.ReadPersonal.Name, new RegistryResource(ResourceKinds.Inspection, null));

    private static async Task<IResult> Schedule(HttpRequest request, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prefix = DistrictPrefix(request.Query["district"], errors);
        var dueSoonDays = Paging.ParseInt(request.Query["dueSoonDays"], "dueSoonDays", 30, 0, 365, errors);
        var limit = Paging.ParseInt(request.Query["limit"], "limit", 500, 1, 5000, errors);
        var asOf = AsOfStatement.Parse(request.Query, clock, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return new RawJsonResult(await InspectionSql.ScheduleAsync(
            connection, prefix, dueSoonDays, limit, ct, ReadScope.For(request.HttpContext, ResourceKinds.Inspection, Operations.Read), asOf), contentType: Json);
    }

    private static async Task<IResult> Worklist(HttpRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var lon = Coordinate(request.Query["lon"], "lon", 180, errors);
        var lat = Coordinate(request.Query["lat"], "lat", 90, errors);
        if (!InputCrsParser.TryParse(request.Query["crs"].ToString() is { Length: > 0 } c ? c : null, out var crs))
        {
            errors["crs"] = ["Unknown CRS; expected WGS84, CGCS2000, GCJ02 or BD09."];
        }

        var limit = Paging.ParseInt(request.Query["limit"], "limit", 50, 1, 200, errors);
        var dueSoonDays = Paging.ParseInt(request.Query["dueSoonDays"], "dueSoonDays", 30, 0, 365, errors);
        string? district = null;
        if (request.Query["district"].ToString() is { Length: > 0 } d)
        {
            if (DistrictCodes.TryNormalize(d, out var code))
            {
                district = code;
            }
            else
            {
                errors["district"] = ["Expected a GB/T 2260 code (2, 4, 6, 9 or 12 digits)."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        List<string> prefixes;
        if (district is not null)
        {
            if (await request.HttpContext.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.Inspection, district)) is { } denied)
            {
                return denied;
            }

            prefixes = [DistrictScope.Prefix(district)];
        }
        else
        {
            // The districts the caller inspects in: "" (every code) for a system administrator.
            var scope = ReadScope.For(user, ResourceKinds.Inspection, Operations.Create);
            prefixes = scope.LikePatterns is null ? [""] : [.. scope.LikePatterns.Select(p => p[..^1])];
        }

        var start = CoordinateConverter.ToCgcs2000(new NetTopologySuite.Geometries.Coordinate(lon, lat), crs);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var candidates = prefixes.Count == 0 ? [] : await InspectionSql.WorklistCandidatesAsync(connection, prefixes, start.X, start.Y, dueSoonDays, limit, ct);
        var points = new List<(double Lon, double Lat)> { (start.X, start.Y) };
        points.AddRange(candidates.Select(x => (x.Lon, x.Lat)));
        var matrix = candidates.Count == 0 ? new double[1, 1] : await InspectionSql.DistanceMatrixAsync(connection, points, ct);
        var order = NearestNeighbour.Order(matrix, candidates.Select(x => x.FacilityId).ToList());
        var stops = new List<WorklistStop>();
        var at = 0;
        var total = 0.0;
        foreach (var next in order)
        {
            var leg = matrix[at, next + 1];
            total += leg;
            var x = candidates[next];
            stops.Add(new WorklistStop(stops.Count + 1, x.FacilityId, x.Name, x.Kind, x.State, x.DueAt, [Round(x.Lon), Round(x.Lat)], Math.Round(leg, 1)));
            at = next + 1;
        }

        return TypedResults.Ok(new WorklistResponse([Round(start.X), Round(start.Y)], stops, Math.Round(total, 1)));
    }

    private static double Round(double degrees) => Math.Round(degrees, 7);

    private static double Coordinate(string? text, string field, double bound, Dictionary<string, string[]> errors)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && Math.Abs(v) <= bound)
        {
            return v;
        }

        errors[field] = [Invariant($"Expected a number from -{bound} to {bound} (degrees).")];
        return 0;
    }

    /// <summary>The code prefix of a <c>district</c> query parameter, null when absent; an error when not a code.</summary>
    internal static string? DistrictPrefix(string? value, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DistrictCodes.TryNormalize(value.Trim(), out var code))
        {
            return DistrictScope.Prefix(code);
        }

        errors["district"] = ["Expected a GB/T 2260 code (2, 4, 6, 9 or 12 digits)."];
        return null;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Greedy nearest-neighbour ordering of stops.</summary>
public static class NearestNeighbour
{
    /// <summary>
    /// Visits, from point 0 of <paramref name="distances"/> (the start), always the nearest unvisited stop; stops are
    /// points 1..n, returned as indices 0..n-1. Ties go to the smaller <paramref name="tieBreak"/> key.
    /// </summary>
    public static IReadOnlyList<int> Order(double[,] distances, IReadOnlyList<long> tieBreak)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(tieBreak);
        var n = tieBreak.Count;
        var visited = new bool[n];
        var order = new List<int>(n);
        var at = 0;
        for (var step = 0; step < n; step++)
        {
            var best = -1;
            for (var j = 0; j < n; j++)
            {
                if (visited[j])
                {
                    continue;
                }

                if (best < 0 || distances[at, j + 1] < distances[at, best + 1]
                    || (distances[at, j + 1] == distances[at, best + 1] && tieBreak[j] < tieBreak[best]))
                {
                    best = j;
                }
            }

            visited[best] = true;
            order.Add(best);
            at = best + 1;
        }

        return order;
    }
}

/// <summary>Body of an inspection submission (and of a judging preview).</summary>
/// <param name="ClientId">UUID generated by the client; a retry sends the same.</param>
/// <param name="FacilityId">Inspected facility.</param>
/// <param name="InspectedAt">When the inspection took place; now when absent.</param>
/// <param name="Answers">Checklist answers.</param>
/// <param name="Note">Note.</param>
/// <param name="PhotoIds">Photos of the whole inspection (uploaded first via POST /api/v1/photos).</param>
public sealed record InspectionRequest(Guid? ClientId, long? FacilityId, DateTimeOffset? InspectedAt, List<AnswerRequest?>? Answers, string? Note, List<Guid>? PhotoIds);

/// <summary>Answer of <c>GET /api/v1/checklists</c>.</summary>
/// <param name="Checklists">One per facility kind.</param>
/// <param name="DueDays">Days to repair by severity.</param>
public sealed record ChecklistsResponse(IReadOnlyList<Checklist> Checklists, IReadOnlyDictionary<string, int> DueDays);

/// <summary>Answer of the judging preview.</summary>
/// <param name="FacilityId">Facility.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Result">pass or fail.</param>
/// <param name="FacilityStatus">Status these answers alone would give.</param>
/// <param name="Answers">Judged answers.</param>
public sealed record JudgeResponse(long FacilityId, string Kind, string Result, string FacilityStatus, IReadOnlyList<JudgedAnswer> Answers);

/// <summary>An inspector's worklist.</summary>
/// <param name="Start">Start point [lon, lat] (CGCS2000).</param>
/// <param name="Stops">Stops in walking order.</param>
/// <param name="TotalMetres">Sum of the legs, geodesic metres.</param>
public sealed record WorklistResponse(double[] Start, IReadOnlyList<WorklistStop> Stops, double TotalMetres);

/// <summary>One stop of a worklist.</summary>
/// <param name="Order">1-based position.</param>
/// <param name="FacilityId">Facility.</param>
/// <param name="Name">Name.</param>
/// <param name="Kind">Kind.</param>
/// <param name="State">due_soon, overdue or never.</param>
/// <param name="DueAt">Due date, null when never inspected.</param>
/// <param name="Location">[lon, lat].</param>
/// <param name="LegMetres">Geodesic metres from the previous stop (or the start).</param>
public sealed record WorklistStop(int Order, long FacilityId, string Name, string Kind, string State, DateTimeOffset? DueAt, double[] Location, double LegMetres);
