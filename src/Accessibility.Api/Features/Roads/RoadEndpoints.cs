using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Roads;

/// <summary>
/// <c>/api/v1/roads</c>: road segments (LineString) with sidewalk, curb ramps and tactile paving;
/// same contract as facilities: optimistic concurrency, soft delete, audit, GeoJSON built in PostGIS.
/// </summary>
public static class RoadEndpoints
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "road";

    /// <summary>Maps the road routes.</summary>
    public static IEndpointRouteBuilder MapRoadEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/roads").WithTags("Roads");
        group.MapGet("", List)
            .WithName("ListRoads").RequireAccess(ResourceKinds.Road, Operations.Read)
            .WithSummary("Road segments as a GeoJSON FeatureCollection, filtered by bbox, district (with its children), roadClass, status, name (q) and managingUnit, paged; an unknown parameter is a 400.")
            .WithFilterParameters(FeatureLayer.Roads, FeatureRoute.List)
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem();
        group.MapGet("{id:long}", Get)
            .WithName("GetRoad").RequireAccess(ResourceKinds.Road, Operations.Read).WithSummary("One road segment as a GeoJSON Feature with its length in metres, and its version as ETag.")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        group.MapPost("", Create)
            .WithName("CreateRoad").RequireAccess(ResourceKinds.Road, Operations.Create).WithSummary("Creates a road segment (LineString); coordinates are converted from the declared CRS to CGCS2000. validFrom (a date or instant, not in the future) dates a segment entered late.")
            .Accepts<RoadRequest>("application/json")
            .Produces(StatusCodes.Status201Created, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            ;
        group.MapPut("{id:long}", Update)
            .WithName("UpdateRoad").RequireAccess(ResourceKinds.Road, Operations.Update).WithSummary("Replaces a road segment; send the version read (If-Match or version), a stale one gets 409 and the current segment. validFrom dates a late correction (not before the segment's current state: 400).")
            .Accepts<RoadRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapDelete("{id:long}", Delete)
            .WithName("DeleteRoad").RequireAccess(ResourceKinds.Road, Operations.Delete).WithSummary("Soft-deletes a road segment. validFrom (query) dates a removal entered late (not before the segment's current state: 400).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        return app;
    }

    private static async Task<IResult> List(HttpRequest request, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = FeatureListRequest.TryParse(request, FeatureLayer.Roads, FeatureRoute.List, errors);
        if (query is null)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return new RawJsonResult(await RoadSql.FeatureCollectionAsync(connection, query, FeatureListRequest.Links(request, query), ct));
    }

    private static async Task<IResult> Get(long id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = await RoadSql.FeatureByIdAsync(connection, id, ct);
        if (stored is not null && await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.Road, stored.DistrictCode)) is { } denied)
        {
            return denied;
        }

        return stored switch
        {
            null => WriteResults.NotFound(id),
            { Deleted: true } => WriteResults.Gone(id),
            _ => new RawJsonResult(stored.Json) { ETag = ETags.Format(stored.Version) },
        };
    }

    /// <summary>Path of the collection, for Location headers.</summary>
    private const string Collection = "/api/v1/roads/";

    private static async Task<IResult> Create(HttpContext http, CreateRoad createRoad, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RoadRequest>(http.Request, ct);
        return body.Value is { } request
            ? (await createRoad.RunAsync(http, request, ct)).ToResult(Collection)
            : body.Problem!;
    }

    private static async Task<IResult> Update(long id, HttpContext http, UpdateRoad updateRoad, CancellationToken ct)
    {
        if (GeoRecordWrites<RoadSegment>.ReadIfMatch(http, out var ifMatch) is { } badHeader)
        {
            return badHeader;
        }

        var body = await JsonBody.ReadAsync<RoadRequest>(http.Request, ct);
        return body.Value is { } request
            ? (await updateRoad.RunAsync(http, id, request, ifMatch, ct)).ToResult(Collection)
            : body.Problem!;
    }

    private static async Task<IResult> Delete(long id, string? validFrom, HttpContext http, DeleteRoad deleteRoad, CancellationToken ct) =>
        GeoRecordWrites<RoadSegment>.ReadIfMatch(http, out var ifMatch) is { } badHeader
            ? badHeader
            : (await deleteRoad.RunAsync(http, id, ifMatch, ct, validFrom)).ToResult(Collection);
}

/// <summary>Body of a road segment create or update.</summary>
/// <param name="Name">Street name.</param>
/// <param name="RoadClass">main (主干路), secondary (次干路) or branch (支路).</param>
/// <param name="Geometry">GeoJSON LineString.</param>
/// <param name="Crs">WGS84 (default), CGCS2000, GCJ02 or BD09.</param>
/// <param name="SidewalkWidthM">Sidewalk width in metres, null when none or unknown.</param>
/// <param name="CurbRampStart">Curb ramp at the start.</param>
/// <param name="CurbRampEnd">Curb ramp at the end.</param>
/// <param name="TactilePaving">none (default), partial or continuous.</param>
/// <param name="Surface">Surface, e.g. asphalt.</param>
/// <param name="Attributes">Further attributes (incline, obstacles…).</param>
/// <param name="Status">operational (default), defective_usable, unusable, under_construction or removed.</param>
/// <param name="ManagingUnit">Managing unit.</param>
/// <param name="DistrictCode">Optional: the district the segment must lie in.</param>
/// <param name="Source">Where the record comes from (default manual).</param>
/// <param name="ExternalId">Identifier in the source system.</param>
/// <param name="Version">On update, the version read (instead of If-Match).</param>
/// <param name="ValidFrom">
/// When the change took effect, if not now: a date (yyyy-MM-dd, China Standard Time) or an ISO 8601 instant, not in the
/// future nor before the segment's current state.
/// </param>
public sealed record RoadRequest(
    string? Name,
    string? RoadClass,
    JsonObject? Geometry,
    string? Crs,
    double? SidewalkWidthM,
    bool? CurbRampStart,
    bool? CurbRampEnd,
    string? TactilePaving,
    string? Surface,
    JsonObject? Attributes,
    string? Status,
    string? ManagingUnit,
    string? DistrictCode,
    string? Source,
    string? ExternalId,
    long? Version,
    string? ValidFrom = null);
