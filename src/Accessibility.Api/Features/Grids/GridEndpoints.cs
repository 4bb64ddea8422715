using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

namespace Accessibility.Api.Features.Grids;

/// <summary>
/// <c>/api/v1/grids</c>: community grids (社区网格). Reads are public (grids are reference geography); district and
/// system administrators draw, change, remove and import them. Every write is judged by the boundary checks, audited and
/// followed by placing the county's facilities and roads in their grids again; the answer says how many moved.
/// </summary>
public static class GridEndpoints
{
    /// <summary>Largest grid file accepted.</summary>
    public const long MaxImportBytes = 64L * 1024 * 1024;

    /// <summary>Registers the feature's services.</summary>
    public static IServiceCollection AddGrids(this IServiceCollection services)
    {
        services.AddScoped<GridEditor>();
        services.AddScoped<GridImporter>();
        return services;
    }

    /// <summary>Maps the grid routes.</summary>
    public static IEndpointRouteBuilder MapGridEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/grids").WithTags("Community grids");
        group.MapGet("", List).WithName("ListGrids").RequireAccess(ResourceKinds.Grid, Operations.Read)
            .WithSummary("Grids of a county or township as a GeoJSON FeatureCollection (code, name, township, facility count, patrol interval).")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson).ProducesValidationProblem();
        group.MapGet("{code}", Get).WithName("GetGrid").RequireAccess(ResourceKinds.Grid, Operations.Read)
            .WithSummary("One grid as a GeoJSON Feature, with its version as ETag.")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("", Create).WithName("CreateGrid").RequireAccess(ResourceKinds.Grid, Operations.Create)
            .WithSummary("Draws a grid (GeoJSON Polygon/MultiPolygon in CRS84 or CGCS2000); judged by the boundary checks; places the county's records again.")
            .Accepts<GridRequest>("application/json").Produces(StatusCodes.Status201Created, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("{code}", Update).WithName("UpdateGrid").RequireAccess(ResourceKinds.Grid, Operations.Update)
            .WithSummary("Changes a grid's boundary, name or patrol interval (absent fields kept); If-Match with the version read, a stale one gets 412.")
            .Accepts<GridRequest>("application/json").Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("{code}", Delete).WithName("DeleteGrid").RequireAccess(ResourceKinds.Grid, Operations.Delete)
            .WithSummary("Removes a grid (If-Match optional); its facilities and roads are placed again.")
            .Produces<GridWriteResult>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("import", Import).WithName("ImportGrids").RequireAccess(ResourceKinds.Grid, Operations.Administer)
            .WithMetadata(new BodySizeLimit(MaxImportBytes))
            .WithSummary("Imports grids from a GeoJSON FeatureCollection or a zipped Shapefile; mapping parameters name the code, name, township and patrol-interval properties. Good features are kept, the others listed with their reasons.")
            .Produces<GridImportResult>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static IResult? Unknown(HttpContext http, params string[] known)
    {
        var errors = new FieldErrors();
        foreach (var key in http.Request.Query.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(key, "Unknown parameter" + (known.Length == 0 ? "." : ": expected " + string.Join(", ", known) + "."));
        }

        return errors.IsEmpty ? null : errors.ToResult(StatusCodes.Status400BadRequest, "Invalid query parameters");
    }

    private static async Task<IResult> List(HttpContext http, NpgsqlDataSource dataSource, string? county, string? township, CancellationToken ct)
    {
        if (Unknown(http, "county", "township") is { } unknown)
        {
            return unknown;
        }

        var errors = new FieldErrors();
        if (county is not null && (county.Length != 6 || !county.All(char.IsAsciiDigit)))
        {
            errors.Add("county", "Expected a 6-digit county code.");
        }

        if (township is not null && (township.Length != 9 || !township.All(char.IsAsciiDigit)))
        {
            errors.Add("township", "Expected a 9-digit township code.");
        }

        if (county is null && township is null)
        {
            errors.Add("county", "Name a county (or a township).");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, "Invalid query parameters");
        }

        return new RawJsonResult(await GridSql.CollectionAsync(dataSource, county, township, ct));
    }

    private static async Task<IResult> Get(HttpContext http, string code, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (Unknown(http) is { } unknown)
        {
            return unknown;
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await GridSql.FeatureAsync(connection, null, code, ct) is { } found
            ? new RawJsonResult(found.Feature) { ETag = ETags.Format(found.Version) }
            : NotFound(code);
    }

    private static async Task<IResult> Create(HttpContext http, GridEditor editor, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (Unknown(http) is { } unknown)
        {
            return unknown;
        }

        var body = await JsonBody.ReadAsync<GridRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var outcome = await editor.CreateAsync(http, request, ct);
        return await Answer(http, outcome, dataSource, request.Code ?? "", StatusCodes.Status201Created, ct);
    }

    private static async Task<IResult> Update(HttpContext http, string code, GridEditor editor, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (Unknown(http) is { } unknown)
        {
            return unknown;
        }

        var body = await JsonBody.ReadAsync<GridRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
        {
            return new FieldErrors().Add("If-Match", "Expected the version as a quoted number, e.g. \"123\".").ToResult(StatusCodes.Status400BadRequest, "Invalid If-Match header");
        }

        return await Answer(http, await editor.UpdateAsync(http, code, request, ifMatch, ct), dataSource, code, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> Delete(HttpContext http, string code, GridEditor editor, CancellationToken ct)
    {
        if (Unknown(http) is { } unknown)
        {
            return unknown;
        }

        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
        {
            return new FieldErrors().Add("If-Match", "Expected the version as a quoted number, e.g. \"123\".").ToResult(StatusCodes.Status400BadRequest, "Invalid If-Match header");
        }

        var outcome = await editor.DeleteAsync(http, code, ifMatch, ct);
        return outcome.Kind switch
        {
            OutcomeKind.Done => TypedResults.Ok(outcome.Value),
            OutcomeKind.Refused => outcome.Refusal!,
            OutcomeKind.Stale => Stale(code),
            _ => NotFound(code),
        };
    }

    private static async Task<IResult> Import(
        HttpContext http, GridImporter importer, string? codeProperty, string? nameProperty, string? townshipProperty, string? patrolIntervalProperty, CancellationToken ct)
    {
        if (Unknown(http, "codeProperty", "nameProperty", "townshipProperty", "patrolIntervalProperty") is { } unknown)
        {
            return unknown;
        }

        var errors = new FieldErrors();
        foreach (var (name, value) in new[] { ("codeProperty", codeProperty), ("nameProperty", nameProperty), ("townshipProperty", townshipProperty), ("patrolIntervalProperty", patrolIntervalProperty) })
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                errors.Add(name, "The name of a feature property: leave the parameter out for the default, or name the property.");
            }
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, "Invalid query parameters");
        }

        byte[] data;
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            data = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return JsonBody.TooLarge();
        }

        var mapping = new GridImportMapping(codeProperty ?? "code", nameProperty ?? "name", townshipProperty ?? "township", patrolIntervalProperty ?? "patrolIntervalDays");
        GridImportResult result;
        try
        {
            result = await importer.ImportAsync(http, data, mapping, ct);
        }
        catch (InvalidDataException ex)
        {
            return new FieldErrors().Add("body", ex.Message).ToResult(StatusCodes.Status422UnprocessableEntity, "The grid file cannot be read");
        }

        if (result.Accepted.Count == 0)
        {
            var problems = result.Refused.ToDictionary(
                r => $"features[{r.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}]",
                r => r.Reasons.Select(reason => BoundaryChecks.Label(r.Code ?? "?", r.Name) + ": " + reason).ToArray(), StringComparer.Ordinal);
            return TypedResults.Problem(new HttpValidationProblemDetails(problems)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "No grid was imported",
                Detail = "Every feature was refused; the reasons are listed by feature.",
            });
        }

        return TypedResults.Ok(result);
    }

    private static async Task<IResult> Answer(HttpContext http, Outcome<GridWriteResult> outcome, NpgsqlDataSource dataSource, string code, int status, CancellationToken ct)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                await using (var connection = await dataSource.OpenConnectionAsync(ct))
                {
                    var written = outcome.Value!;
                    var (feature, version) = (await GridSql.FeatureAsync(connection, null, written.Code, ct))!.Value;
                    // The count of records placed again travels as a foreign member of the Feature (RFC 7946 §6.1).
                    var json = feature[..^1] + ",\"movedRecords\":" + GridEditor.Digits(written.MovedRecords) + "}";
                    return new RawJsonResult(json, status)
                    {
                        ETag = ETags.Format(version),
                        Location = status == StatusCodes.Status201Created ? "/api/v1/grids/" + written.Code : null,
                    };
                }

            case OutcomeKind.Invalid:
                return outcome.Errors!.ToResult(StatusCodes.Status422UnprocessableEntity, "The grid was not saved");
            case OutcomeKind.Conflict:
                return outcome.Errors!.ToResult(StatusCodes.Status409Conflict, "The grid exists already");
            case OutcomeKind.Refused:
                return outcome.Refusal!;
            case OutcomeKind.Stale:
                return Stale(code);
            default:
                return NotFound(code);
        }
    }

    private static IResult Stale(string code) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed, title: "Stale version",
        detail: $"Grid {code} changed since you read it (If-Match); read it again and apply your change again.");

    private static IResult NotFound(string code) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Unknown grid", detail: $"No community grid has the code {code}.");
}
