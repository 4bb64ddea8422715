using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// <c>/api/v1/facilities</c>: create, read, update (optimistic concurrency on the row version),
/// soft delete, and GeoJSON FeatureCollections built in PostGIS; <c>/api/v1/facility-kinds</c>.
/// </summary>
public static class FacilityEndpoints
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "facility";

    /// <summary>Maps the facility routes.</summary>
    public static IEndpointRouteBuilder MapFacilityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/facility-kinds", Kinds)
            .WithName("ListFacilityKinds").AllowAnonymous().WithSummary("Facility kinds with their attribute schemas, statuses and road classes.").WithTags("Facilities");

        var group = app.MapGroup("/api/v1/facilities").WithTags("Facilities");
        group.MapGet("", List)
            .WithName("ListFacilities").RequireAccess(ResourceKinds.Facility, Operations.Read)
            .WithSummary("Facilities as a GeoJSON FeatureCollection, filtered by bbox, district (with its children), kind, status, name (q) and inspectionState, paged; near=lon,lat orders them nearest first with distanceM (geodesic metres).")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem();
        group.MapGet("{id:long}", Get)
            .WithName("GetFacility").RequireAccess(ResourceKinds.Facility, Operations.Read).WithSummary("One facility as a GeoJSON Feature with its open defects, and its version as ETag.")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        group.MapPost("", Create)
            .WithName("CreateFacility").RequireAccess(ResourceKinds.Facility, Operations.Create).WithSummary("Creates a facility; coordinates are converted from the declared CRS to CGCS2000.")
            .Accepts<FacilityRequest>("application/json")
            .Produces(StatusCodes.Status201Created, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            ;
        group.MapPut("{id:long}", Update)
            .WithName("UpdateFacility").RequireAccess(ResourceKinds.Facility, Operations.Update).WithSummary("Replaces a facility; send the version read (If-Match or version), a stale one gets 409 and the current facility.")
            .Accepts<FacilityRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapDelete("{id:long}", Delete)
            .WithName("DeleteFacility").RequireAccess(ResourceKinds.Facility, Operations.Delete).WithSummary("Soft-deletes a facility: hidden from lists, kept for the audit trail.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        return app;
    }

    private static Ok<FacilityKindsResponse> Kinds(FacilityKindCatalog catalog) => TypedResults.Ok(new FacilityKindsResponse(
        catalog.Kinds.Select(k => new FacilityKindResponse(
            k.Code,
            k.Names,
            k.Geometry,
            k.InspectionIntervalMonths,
            k.Attributes.Select(a => new FacilityAttributeResponse(
                a.Name, a.Labels, a.Type.ToString().ToLowerInvariant(), a.Unit, a.Min, a.Max, a.Required,
                a.Values.Select(v => new CodedLabel(v.Code, v.Labels)).ToArray(), a.MaxLength, a.Reference)).ToArray())).ToArray(),
        catalog.Statuses.Select(s => new CodedLabel(s.Code, s.Labels)).ToArray(),
        catalog.RoadClasses.Select(s => new CodedLabel(s.Code, s.Labels)).ToArray()));

    private static async Task<IResult> List(HttpRequest request, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = FeatureListRequest.TryParse(request, "kind", errors);
        var q = request.Query["q"].ToString().Trim();
        if (q.Length > 200)
        {
            errors.Add("q", "At most 200 characters.");
        }

        var state = request.Query["inspectionState"].ToString().Trim();
        if (state.Length > 0 && !InspectionSql.States.Contains(state, StringComparer.Ordinal))
        {
            errors.Add("inspectionState", "Expected one of " + string.Join(", ", InspectionSql.States) + ".");
        }

        var near = ParseNear(request.Query["near"].ToString(), errors);
        if (query is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        query = query with { Q = q.Length > 0 ? q : null, InspectionState = state.Length > 0 ? state : null, Near = near };

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var json = await FacilitySql.FeatureCollectionAsync(connection, query, FeatureListRequest.Links(request, query), ct);
        return new RawJsonResult(json);
    }

    /// <summary><c>near=lon,lat</c> (degrees, CGCS2000 as WGS 84), or null when absent.</summary>
    private static (double Lon, double Lat)? ParseNear(string text, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
            && double.IsFinite(lon) && double.IsFinite(lat) && Math.Abs(lon) <= 180 && Math.Abs(lat) <= 90)
        {
            return (lon, lat);
        }

        errors.Add("near", "Expected lon,lat in degrees (longitude -180 to 180, latitude -90 to 90).");
        return null;
    }

    private static async Task<IResult> Get(long id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = await FacilitySql.FeatureWithOpenDefectsByIdAsync(connection, id, ct);
        if (stored is not null && await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.Facility, stored.DistrictCode)) is { } denied)
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

    /// <summary>The write flow shared with road segments.</summary>
    private static readonly GeoRecordWrites<Facility> Writes = new(AuditEntityType, "/api/v1/facilities/", FacilitySql.FeatureByIdAsync);

    private static async Task<IResult> Create(
        HttpContext http, RegistryDbContext db, FacilityKindCatalog catalog, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<FacilityRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var errors = new FieldErrors();
        if (Validate(request, catalog, errors) is not { } input)
        {
            return errors.ToResult();
        }

        var (county, township, refusal) = await GeoRecordWrites<Facility>.PlaceAsync(http, db, input.Geometry, request.DistrictCode, errors, ct, Operations.Create);
        if (refusal is not null)
        {
            return refusal;
        }

        var now = clock.GetUtcNow();
        var facility = new Facility
        {
            Kind = input.Kind,
            Name = input.Name,
            Geometry = input.Geometry,
            Status = input.Status,
            DistrictCode = county,
            Source = input.Source ?? "manual",
            CreatedAt = now,
        };
        input.ApplyTo(facility, county, township, now);
        return await Writes.CreateAsync(http, db, audit, facility, ct);
    }

    private static async Task<IResult> Update(
        long id, HttpContext http, RegistryDbContext db, FacilityKindCatalog catalog, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        if (GeoRecordWrites<Facility>.ReadIfMatch(http, out var ifMatch) is { } badHeader)
        {
            return badHeader;
        }

        var body = await JsonBody.ReadAsync<FacilityRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        // Who may change the record is settled before anything about the request is answered.
        var (facility, notWritable) = await Writes.LoadForWriteAsync(id, http, db, ct, Operations.Update);
        if (facility is null)
        {
            return notWritable!;
        }

        if ((ifMatch ?? request.Version) is not { } expected)
        {
            return GeoRecordWrites<Facility>.VersionRequired();
        }

        var errors = new FieldErrors();
        if (Validate(request, catalog, errors) is not { } input)
        {
            return errors.ToResult();
        }

        var (county, township, refusal) = await GeoRecordWrites<Facility>.PlaceAsync(http, db, input.Geometry, request.DistrictCode, errors, ct, Operations.Update);
        if (refusal is not null)
        {
            return refusal;
        }

        return await Writes.UpdateAsync(http, db, audit, facility, expected, f =>
        {
            f.Kind = input.Kind;
            f.Name = input.Name;
            f.Geometry = input.Geometry;
            f.Status = input.Status;
            f.Source = input.Source ?? f.Source;
            input.ApplyTo(f, county, township, clock.GetUtcNow());
        }, ct);
    }

    private static Task<IResult> Delete(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct) =>
        Writes.DeleteAsync(id, http, db, audit, clock, ct);

    /// <summary>Checks a request against the kind catalog; null with <paramref name="errors"/> filled when it is not acceptable.</summary>
    private static FacilityInput? Validate(FacilityRequest r, FacilityKindCatalog catalog, FieldErrors errors)
    {
        var kindKnown = false;
        if (string.IsNullOrWhiteSpace(r.Kind))
        {
            errors.Add("kind", "A facility kind is required.");
        }
        else if (!catalog.TryGet(r.Kind, out _))
        {
            errors.Add("kind", "Unknown facility kind '" + r.Kind + "'; see /api/v1/facility-kinds.");
        }
        else
        {
            kindKnown = true;
        }

        var name = r.Name?.Trim();
        Text.Require(errors, "name", name, 200);
        var status = Statuses.Check(catalog, r.Status, errors);

        Text.Optional(errors, "managingUnit", r.ManagingUnit, 200);
        Text.Optional(errors, "source", r.Source, 40);
        Text.Optional(errors, "externalId", r.ExternalId, 100);

        Geometry? geometry = null;
        if (!InputCrsParser.TryParse(r.Crs, out var crs))
        {
            errors.Add("crs", "Unknown CRS '" + r.Crs + "'; expected WGS84, CGCS2000, GCJ02 or BD09.");
        }
        else
        {
            geometry = JsonBody.ReadGeometry(r.Geometry, crs, "geometry", errors);
        }

        if (kindKnown)
        {
            if (geometry is not null && catalog.TryGet(r.Kind!, out var kind))
            {
                errors.AddRange(FacilityKindCatalog.ValidateGeometryType(kind, geometry.GeometryType));
            }

            errors.AddRange(catalog.Validate(r.Kind!, r.Attributes));
        }

        return errors.IsEmpty
            ? new FacilityInput(r.Kind!, name!, geometry!, r.Attributes ?? [], status, Text.Clean(r.ManagingUnit), Text.Clean(r.Source), Text.Clean(r.ExternalId))
            : null;
    }


    private sealed record FacilityInput(
        string Kind, string Name, Geometry Geometry, JsonObject Attributes, string Status, string? ManagingUnit, string? Source, string? ExternalId)
    {
        public void ApplyTo(Facility f, string county, string? township, DateTimeOffset now)
        {
            f.Attributes = Attributes;
            f.ManagingUnit = ManagingUnit;
            f.ExternalId = ExternalId;
            f.DistrictCode = county;
            f.TownshipCode = township;
            f.UpdatedAt = now;
        }
    }
}

/// <summary>Body of a facility create or update.</summary>
/// <param name="Kind">Kind code from <c>/api/v1/facility-kinds</c>.</param>
/// <param name="Name">Name.</param>
/// <param name="Geometry">GeoJSON geometry: Point, or LineString for tactile paving.</param>
/// <param name="Crs">WGS84 (default), CGCS2000, GCJ02 or BD09.</param>
/// <param name="Attributes">Kind-specific attributes.</param>
/// <param name="Status">operational (default), defective_usable, unusable, under_construction or removed.</param>
/// <param name="ManagingUnit">Managing unit (管理责任单位).</param>
/// <param name="DistrictCode">Optional: the district the location must lie in.</param>
/// <param name="Source">Where the record comes from (default manual).</param>
/// <param name="ExternalId">Identifier in the source system.</param>
/// <param name="Version">On update, the version read (instead of If-Match).</param>
public sealed record FacilityRequest(
    string? Kind,
    string? Name,
    JsonObject? Geometry,
    string? Crs,
    JsonObject? Attributes,
    string? Status,
    string? ManagingUnit,
    string? DistrictCode,
    string? Source,
    string? ExternalId,
    long? Version);

/// <summary>The status field shared by facilities and road segments.</summary>
internal static class Statuses
{
    /// <summary>In service; the status when none is given.</summary>
    public const string Operational = "operational";

    /// <summary>The status asked for (default operational), with an error under <c>status</c> when the catalog does not know it.</summary>
    public static string Check(FacilityKindCatalog catalog, string? requested, FieldErrors errors)
    {
        var status = string.IsNullOrWhiteSpace(requested) ? Operational : requested.Trim();
        if (!catalog.IsStatus(status))
        {
            errors.Add("status", "Unknown status '" + status + "'; expected one of " + string.Join(", ", catalog.Statuses.Select(s => s.Code)) + ".");
        }

        return status;
    }
}

/// <summary>Checks of free-text fields.</summary>
internal static class Text
{
    public static void Require(FieldErrors errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Required.");
        }
        else
        {
            Optional(errors, field, value, maxLength);
        }
    }

    public static void Optional(FieldErrors errors, string field, string? value, int maxLength)
    {
        if (value is not null && value.Trim().Length > maxLength)
        {
            errors.Add(field, FormattableString.Invariant($"At most {maxLength} characters."));
        }
    }

    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Answer of <c>GET /api/v1/facility-kinds</c>.</summary>
/// <param name="Kinds">Facility kinds with their attribute schemas.</param>
/// <param name="Statuses">Statuses of facilities and road segments.</param>
/// <param name="RoadClasses">Road classes.</param>
public sealed record FacilityKindsResponse(
    IReadOnlyList<FacilityKindResponse> Kinds, IReadOnlyList<CodedLabel> Statuses, IReadOnlyList<CodedLabel> RoadClasses);

/// <summary>A facility kind.</summary>
/// <param name="Code">Kind code.</param>
/// <param name="Names">Names in Chinese and English.</param>
/// <param name="Geometry">Point or LineString.</param>
/// <param name="InspectionIntervalMonths">Default months between inspections.</param>
/// <param name="Attributes">Attribute schema.</param>
public sealed record FacilityKindResponse(
    string Code, LocalizedText Names, string Geometry, int InspectionIntervalMonths, IReadOnlyList<FacilityAttributeResponse> Attributes);

/// <summary>One attribute of a kind.</summary>
/// <param name="Key">Key in <c>attributes</c>.</param>
/// <param name="Labels">Labels in Chinese and English.</param>
/// <param name="Type">number, integer, boolean, string or enum.</param>
/// <param name="Unit">Unit of a number.</param>
/// <param name="Min">Smallest plausible value.</param>
/// <param name="Max">Largest plausible value.</param>
/// <param name="Required">Whether it must be given.</param>
/// <param name="Values">Values of an enum.</param>
/// <param name="MaxLength">Longest string.</param>
/// <param name="Reference">Standard clause.</param>
public sealed record FacilityAttributeResponse(
    string Key, LocalizedText Labels, string Type, string? Unit, double? Min, double? Max, bool Required,
    IReadOnlyList<CodedLabel> Values, int? MaxLength, string? Reference);

/// <summary>A code with its labels.</summary>
/// <param name="Code">Code.</param>
/// <param name="Labels">Labels in Chinese and English.</param>
public sealed record CodedLabel(string Code, LocalizedText Labels);
