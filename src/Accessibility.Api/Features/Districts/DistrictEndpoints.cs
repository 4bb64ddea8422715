using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Districts;

/// <summary>Administrative divisions: lists, details, boundaries, point lookup and boundary import.</summary>
public static class DistrictEndpoints
{
    /// <summary>Largest boundary file accepted by the importer.</summary>
    public const long MaxBoundaryImportBytes = 64L * 1024 * 1024;

    /// <summary>Registers the feature's services.</summary>
    public static IServiceCollection AddDistricts(this IServiceCollection services)
    {
        services.AddSingleton<DistrictSql>();
        services.AddScoped<BoundaryImporter>();
        services.AddSingleton<BoundaryChecks>();
        return services;
    }

    /// <summary>Maps <c>/api/v1/districts</c>.</summary>
    public static IEndpointRouteBuilder MapDistricts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/districts").WithTags("Districts");
        group.MapGet("/", List).WithName("ListDistricts").RequireAccess(ResourceKinds.District, Operations.Read)
            .WithSummary("Districts filtered by parent code, level and name, with bbox and area in km².");
        group.MapGet("/containing", Containing).WithName("DistrictsContainingPoint").RequireAccess(ResourceKinds.District, Operations.Read)
            .WithSummary("The districts whose boundary contains a point, deepest level first.");
        group.MapGet("/{code}", Get).WithName("GetDistrict").RequireAccess(ResourceKinds.District, Operations.Read)
            .WithSummary("One district with its ancestors and children.");
        group.MapGet("/{code}/boundary", Boundary).WithName("GetDistrictBoundary").RequireAccess(ResourceKinds.District, Operations.Read)
            .WithSummary("The district's boundary as a GeoJSON Feature (RFC 7946, CRS84 coordinates).");
        group.MapGet("/{code}/children/boundaries", ChildBoundaries).WithName("ListChildBoundaries").RequireAccess(ResourceKinds.District, Operations.Read)
            .WithSummary("The boundaries of the district's children as one GeoJSON FeatureCollection (RFC 7946), each Feature as "
                + "GET /{code}/boundary gives it; children without a boundary are left out.")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{code}", Update).WithName("UpdateDistrict").RequireAccess(ResourceKinds.District, Operations.Update)
            .Accepts<DistrictUpdate>("application/json").Produces<DistrictSummary>().ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Sets population and registered disabled population.");
        group.MapPost("/boundaries", ImportBoundaries).WithName("ImportDistrictBoundaries").RequireAccess(ResourceKinds.District, Operations.Administer)
            .WithMetadata(new BodySizeLimit(MaxBoundaryImportBytes))
            .WithSummary("Imports boundaries (any level, e.g. townships) from a GeoJSON FeatureCollection; all or nothing.");
        return app;
    }

    private static async Task<Results<Ok<DistrictPage>, ValidationProblem>> List(
        DistrictSql sql, string? parent, string? level, string? q, string? limit, string? offset, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? parentCode = null;
        if (parent is not null && !DistrictCodes.TryNormalize(parent, out parentCode!))
        {
            errors["parent"] = [$"'{parent}' is not a GB/T 2260 code (2, 4, 6 or 9 digits)."];
        }

        DistrictLevel? parsedLevel = null;
        if (level is not null)
        {
            parsedLevel = level switch
            {
                "province" => DistrictLevel.Province,
                "prefecture" => DistrictLevel.Prefecture,
                "county" => DistrictLevel.County,
                "township" => DistrictLevel.Township,
                _ => null,
            };
            if (parsedLevel is null)
            {
                errors["level"] = ["Expected province, prefecture, county or township."];
            }
        }

        var take = Paging.ParseInt(limit, "limit", 100, 1, 2000, errors);
        var skip = Paging.ParseInt(offset, "offset", 0, 0, int.MaxValue, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (items, total) = await sql.ListAsync(parentCode, parsedLevel, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), take, skip, ct);
        return TypedResults.Ok(new DistrictPage(items, total, items.Count));
    }

    private static async Task<Results<Ok<DistrictDetail>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem>> Get(
        DistrictSql sql, string code, CancellationToken ct)
    {
        if (!DistrictCodes.TryNormalize(code, out var normalized))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = [$"'{code}' is not a GB/T 2260 code."] });
        }

        var district = await sql.GetAsync(normalized, ct);
        if (district is null)
        {
            return NotFound(normalized);
        }

        var ancestors = await sql.AncestorsAsync(normalized, ct);
        var (children, _) = await sql.ListAsync(normalized, null, null, 2000, 0, ct);
        return TypedResults.Ok(new DistrictDetail(district, ancestors, children));
    }

    private static async Task<IResult> Boundary(DistrictSql sql, string code, CancellationToken ct)
    {
        if (!DistrictCodes.TryNormalize(code, out var normalized))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = [$"'{code}' is not a GB/T 2260 code."] });
        }

        var feature = await sql.BoundaryFeatureAsync(normalized, ct);
        if (feature is not null)
        {
            return TypedResults.Text(feature, "application/geo+json");
        }

        return await sql.GetAsync(normalized, ct) is null
            ? NotFound(normalized)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No boundary",
                detail: $"No boundary is known for district {normalized}; import one with POST /api/v1/districts/boundaries.");
    }

    private static async Task<IResult> ChildBoundaries(DistrictSql sql, string code, HttpRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var key in request.Query.Keys)
        {
            errors[key] = ["Unknown parameter: this route takes none."];
        }

        if (!DistrictCodes.TryNormalize(code, out var normalized))
        {
            errors["code"] = [$"'{code}' is not a GB/T 2260 code."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await sql.GetAsync(normalized, ct) is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown district", detail: $"No district has the code {normalized}.")
            : TypedResults.Text(await sql.ChildBoundariesAsync(normalized, ct), "application/geo+json");
    }

    private static async Task<Results<Ok<ContainingAnswer>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem>> Containing(
        DistrictSql sql, string? lon, string? lat, string? crs, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var x = ParseCoordinate(lon, "lon", -180, 180, errors);
        var y = ParseCoordinate(lat, "lat", -90, 90, errors);
        if (!InputCrsParser.TryParse(crs, out var inputCrs))
        {
            errors["crs"] = ["Expected WGS84, CGCS2000, GCJ02 or BD09."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var converted = CoordinateConverter.ToCgcs2000(new Coordinate(x, y), inputCrs);
        var found = await sql.ContainingAsync(converted.X, converted.Y, ct);
        if (found.Count == 0)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Outside every registered district",
                Detail = string.Create(CultureInfo.InvariantCulture, $"No registered district contains ({converted.X:0.######}, {converted.Y:0.######})."),
            });
        }

        return TypedResults.Ok(new ContainingAnswer(found[0], found));
    }

    private static async Task<IResult> Update(
        string code, RegistryDbContext db, DistrictSql sql, AuditLog audit, HttpContext http, CancellationToken ct)
    {
        if (!DistrictCodes.TryNormalize(code, out var normalized))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = [$"'{code}' is not a GB/T 2260 code."] });
        }

        var read = await JsonBody.ReadAsync<DistrictUpdate>(http.Request, ct);
        if (read.Value is not { } body)
        {
            return read.Problem!;
        }

        var errors = new FieldErrors();
        if (body.Population is < 0)
        {
            errors.Add("population", "Must be zero or more.");
        }

        if (body.DisabledPopulation is < 0 || body.DisabledPopulation > body.Population)
        {
            errors.Add("disabledPopulation", "Must be zero or more, and not above the population.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult();
        }

        var district = await db.Districts.SingleOrDefaultAsync(d => d.Code == normalized, ct);
        if (district is null)
        {
            return NotFound(normalized);
        }

        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.District, normalized)) is { } denied)
        {
            return denied;
        }

        var before = new { district.Population, district.DisabledPopulation };
        district.Population = body.Population;
        district.DisabledPopulation = body.DisabledPopulation;
        audit.Record(http, "update", "district", normalized, before, new { district.Population, district.DisabledPopulation });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok((await sql.GetAsync(normalized, ct))!);
    }

    private static async Task<IResult> ImportBoundaries(
        HttpContext http, BoundaryImporter importer, string? codeProperty, string? nameProperty, string? crs, CancellationToken ct)
    {
        if (!InputCrsParser.TryParse(crs, out var inputCrs))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["crs"] = ["Expected WGS84, CGCS2000, GCJ02 or BD09."] });
        }

        foreach (var (name, value) in new[] { ("codeProperty", codeProperty), ("nameProperty", nameProperty) })
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [name] = ["The name of a feature property: leave the parameter out for the default, or name the property."] });
            }
        }

        var outcome = await importer.ImportAsync(http.Request.Body, codeProperty ?? "code", nameProperty ?? "name", inputCrs,
            code => AccessRules.Allows(http.User, Operations.Administer.Name, RegistryResource.In(ResourceKinds.District, code)), BoundaryImporter.Actor.From(http), ct);
        return outcome.Errors.Count > 0
            ? TypedResults.Problem(new HttpValidationProblemDetails(outcome.Errors)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The boundary file was not imported",
                Detail = "Nothing was imported: fix the features named below and send the whole file again.",
            })
            : TypedResults.Ok(new BoundaryImportResult(outcome.Updated));
    }

    private static double ParseCoordinate(string? value, string field, double min, double max, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            errors[field] = ["Required."];
            return double.NaN;
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d) || d < min || d > max)
        {
            errors[field] = [string.Create(CultureInfo.InvariantCulture, $"Expected a number from {min} to {max} (decimal degrees).")];
        }

        return d;
    }

    private static NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails> NotFound(string code) =>
        TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "Unknown district",
            Detail = $"No district has the code {code}.",
        });
}

/// <summary>A page of districts.</summary>
/// <param name="Items">The districts.</param>
/// <param name="NumberMatched">How many match the filter.</param>
/// <param name="NumberReturned">How many are in this page.</param>
public sealed record DistrictPage(IReadOnlyList<DistrictSummary> Items, long NumberMatched, int NumberReturned);

/// <summary>A district with its place in the hierarchy.</summary>
/// <param name="District">The district.</param>
/// <param name="Ancestors">From the province down to the parent.</param>
/// <param name="Children">Direct children.</param>
public sealed record DistrictDetail(DistrictSummary District, IReadOnlyList<DistrictRef> Ancestors, IReadOnlyList<DistrictSummary> Children);

/// <summary>Districts containing a point.</summary>
/// <param name="District">The deepest one.</param>
/// <param name="All">All of them, deepest first.</param>
public sealed record ContainingAnswer(DistrictSummary District, IReadOnlyList<DistrictSummary> All);

/// <summary>Editable figures of a district.</summary>
/// <param name="Population">Resident population.</param>
/// <param name="DisabledPopulation">Registered disabled population.</param>
public sealed record DistrictUpdate(int? Population, int? DisabledPopulation);

/// <summary>What a boundary import changed.</summary>
/// <param name="Updated">Codes whose boundary was set.</param>
public sealed record BoundaryImportResult(IReadOnlyList<string> Updated);
