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
            .WithSummary("Facilities as a GeoJSON FeatureCollection, filtered by bbox, district (with its children), kind, status, name (q), managingUnit and inspectionState, paged; near=lon,lat orders them nearest first with distanceM (geodesic metres); an unknown parameter is a 400.")
            .WithFilterParameters(FeatureLayer.Facilities, FeatureRoute.List)
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem();
        group.MapGet("{id:long}", Get)
            .WithName("GetFacility").RequireAccess(ResourceKinds.Facility, Operations.Read).WithSummary("One facility as a GeoJSON Feature with its open defects, and its version as ETag.")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        group.MapPost("", Create)
            .WithName("CreateFacility").RequireAccess(ResourceKinds.Facility, Operations.Create).WithSummary("Creates a facility; coordinates are converted from the declared CRS to CGCS2000. validFrom (a date or instant, not in the future) dates a facility entered late: it counts from then in reads as of a date.")
            .Accepts<FacilityRequest>("application/json")
            .Produces(StatusCodes.Status201Created, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            ;
        group.MapPut("{id:long}", Update)
            .WithName("UpdateFacility").RequireAccess(ResourceKinds.Facility, Operations.Update).WithSummary("Replaces a facility; send the version read (If-Match or version), a stale one gets 409 and the current facility. validFrom dates a late correction (not before the facility's current state: 400).")
            .Accepts<FacilityRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapDelete("{id:long}", Delete)
            .WithName("DeleteFacility").RequireAccess(ResourceKinds.Facility, Operations.Delete).WithSummary("Soft-deletes a facility: hidden from lists, kept for the audit trail. validFrom (query) dates a removal entered late (not before the facility's current state: 400).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapGet("{id:long}/photos", Photos)
            .WithName("ListFacilityPhotos").RequireAccess(ResourceKinds.Facility, Operations.Read).WithSummary("The photos attached to a facility, oldest first.")
            .Produces<FacilityPhotosResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        group.MapPost("{id:long}/photos", AttachPhoto)
            .WithName("AttachFacilityPhoto").RequireAccess(ResourceKinds.Facility, Operations.Update)
            .WithSummary("Attaches a photo uploaded with POST /api/v1/photos (EXIF stripped) to a facility; audited; attaching it again changes nothing.")
            .Accepts<AttachPhotoRequest>("application/json")
            .Produces<FacilityPhotosResponse>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status403Forbidden);
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

    private static async Task<IResult> List(HttpRequest request, StaleReads staleReads, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = FeatureListRequest.TryParse(request, FeatureLayer.Facilities, FeatureRoute.List, errors);
        if (query is null)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        // A public list may lag the last commit by a standby's replay delay (StaleReads decides where it is read).
        // The page is copied from PostgreSQL's answer to the response as it comes (no string of it in the service).
        var links = FeatureListRequest.Links(request, query);
        return new StreamedJsonResult(async (http, body) =>
        {
            await using var connection = await staleReads.OpenAsync(http, ct);
            await FacilitySql.CopyFeatureCollectionAsync(connection, query, links, body, ct);
        });
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

    /// <summary>Path of the collection, for Location headers.</summary>
    private const string Collection = "/api/v1/facilities/";

    private static async Task<IResult> Create(HttpContext http, CreateFacility createFacility, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<FacilityRequest>(http.Request, ct);
        return body.Value is { } request
            ? (await createFacility.RunAsync(http, request, ct)).ToResult(Collection)
            : body.Problem!;
    }

    private static async Task<IResult> Update(long id, HttpContext http, UpdateFacility updateFacility, CancellationToken ct)
    {
        if (GeoRecordWrites<Facility>.ReadIfMatch(http, out var ifMatch) is { } badHeader)
        {
            return badHeader;
        }

        var body = await JsonBody.ReadAsync<FacilityRequest>(http.Request, ct);
        return body.Value is { } request
            ? (await updateFacility.RunAsync(http, id, request, ifMatch, ct)).ToResult(Collection)
            : body.Problem!;
    }

    private static async Task<IResult> Delete(long id, string? validFrom, HttpContext http, DeleteFacility deleteFacility, CancellationToken ct) =>
        GeoRecordWrites<Facility>.ReadIfMatch(http, out var ifMatch) is { } badHeader
            ? badHeader
            : (await deleteFacility.RunAsync(http, id, ifMatch, ct, validFrom)).ToResult(Collection);

    private static async Task<IResult> AttachPhoto(long id, HttpContext http, AttachFacilityPhoto attachPhoto, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<AttachPhotoRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var outcome = await attachPhoto.RunAsync(http, id, request.PhotoId, ct);
        if (!outcome.Succeeded)
        {
            return outcome.ToResult(Collection);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await PhotosOfAsync(connection, id, ct));
    }

    private static async Task<IResult> Photos(long id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = await FacilitySql.FeatureByIdAsync(connection, id, ct);
        if (stored is not null && await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.Facility, stored.DistrictCode)) is { } denied)
        {
            return denied;
        }

        return stored switch
        {
            null => WriteResults.NotFound(id),
            { Deleted: true } => WriteResults.Gone(id),
            _ => TypedResults.Ok(await PhotosOfAsync(connection, id, ct)),
        };
    }

    private static async Task<FacilityPhotosResponse> PhotosOfAsync(Npgsql.NpgsqlConnection connection, long id, CancellationToken ct) =>
        new(id, (await FacilitySql.PhotosAsync(connection, id, ct))
            .Select(p => new FacilityPhotoResponse(p.PhotoId, "/api/v1/photos/" + p.PhotoId, "/api/v1/photos/" + p.PhotoId + "/thumbnail", p.AttachedAt))
            .ToArray());
}

/// <summary>Body of a photo attachment.</summary>
/// <param name="PhotoId">Id of a photo uploaded with <c>POST /api/v1/photos</c>.</param>
public sealed record AttachPhotoRequest(Guid? PhotoId);

/// <summary>The photos attached to a facility, oldest first.</summary>
/// <param name="FacilityId">The facility.</param>
/// <param name="Photos">Its photos.</param>
public sealed record FacilityPhotosResponse(long FacilityId, IReadOnlyList<FacilityPhotoResponse> Photos);

/// <summary>A photo attached to a facility.</summary>
/// <param name="Id">Photo id.</param>
/// <param name="Url">The image.</param>
/// <param name="ThumbnailUrl">Its thumbnail.</param>
/// <param name="AttachedAt">When it was attached.</param>
public sealed record FacilityPhotoResponse(Guid Id, string Url, string ThumbnailUrl, DateTimeOffset AttachedAt);

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
/// <param name="ValidFrom">
/// When the change took effect, if not now: a date (yyyy-MM-dd, China Standard Time) or an ISO 8601 instant, not in the
/// future nor before the facility's current state (a ramp built in March and registered in June: validFrom 03-01).
/// </param>
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
    long? Version,
    string? ValidFrom = null);

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
