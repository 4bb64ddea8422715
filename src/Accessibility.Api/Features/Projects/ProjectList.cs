using System.Globalization;
using System.Text.RegularExpressions;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Npgsql;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: the public list of construction projects (新建、改建项目) with their barrier-free status
/// (<c>GET /api/v1/projects</c>, <c>?f=geojson</c> or <c>/api/v1/projects.geojson</c> for GeoJSON): filtered by district
/// (with its children), stage (one or several, comma-separated), type and bbox, paged by limit and offset with
/// <c>next</c>/<c>prev</c> links as the other lists. No personal data: the SQL selects public columns only
/// (<see cref="ProjectListSql"/>). Any other parameter is a 400 naming it.
/// </summary>
public static partial class ProjectList
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The stages of a project, in order (migration ConstructionAndGrids).</summary>
    public static readonly IReadOnlyList<string> Stages = ["planning", "design-review", "construction", "acceptance", "accepted"];

    private static readonly string[] Known = ["district", "stage", "type", "bbox", "limit", "offset", "f"];

    /// <summary>Maps the list routes.</summary>
    public static IEndpointRouteBuilder MapProjectList(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/projects", (HttpRequest request, NpgsqlDataSource data, CancellationToken ct) => ListAsync(request, data, null, ct))
            .WithName("ListConstructionProjects").WithTags("Construction projects").RequireAccess(ResourceKinds.ConstructionProject, Operations.Read)
            .WithSummary("Construction projects (public, no personal data) with their barrier-free status: planned facilities, checks done, open failures, waived items, compliant (at acceptance). Filters: district (GB/T 2260, with its children), stage (planning, design-review, construction, acceptance, accepted; comma-separated), type, bbox=minLon,minLat,maxLon,maxLat; limit (1–1000, default 100), offset; f=geojson for a GeoJSON FeatureCollection. Any other parameter is a 400.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesValidationProblem();
        app.MapGet("/api/v1/projects.geojson", (HttpRequest request, NpgsqlDataSource data, CancellationToken ct) => ListAsync(request, data, true, ct))
            .WithName("ListConstructionProjectsGeoJson").WithTags("Construction projects").RequireAccess(ResourceKinds.ConstructionProject, Operations.Read)
            .WithSummary("The public list of construction projects as a GeoJSON FeatureCollection (the same filters and paging as GET /api/v1/projects).")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson).ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> ListAsync(HttpRequest request, NpgsqlDataSource data, bool? geoJson, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = Parse(request.Query, errors);
        var asGeoJson = geoJson ?? false;
        if (Single(request.Query, "f") is { } f)
        {
            if (f is "geojson" or "json")
            {
                asGeoJson = geoJson ?? f == "geojson";
            }
            else
            {
                errors.Add("f", "Expected json or geojson.");
            }
        }

        if (query is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, "One or more query parameters are not acceptable.");
        }

        await using var connection = await data.OpenConnectionAsync(ct);
        var links = (WithOffset(request, query.Offset, query.Limit), WithOffset(request, query.Offset + query.Limit, query.Limit),
            WithOffset(request, Math.Max(0, query.Offset - query.Limit), query.Limit));
        var json = await ProjectListSql.PageAsync(connection, query, asGeoJson, links, ct);
        return new RawJsonResult(json, contentType: asGeoJson ? RawJsonResult.GeoJson : "application/json");
    }

    /// <summary>Reads the query string, naming each bad or unknown parameter.</summary>
    public static ProjectListQuery? Parse(IQueryCollection q, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var key in q.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(key, "Unknown parameter: expected " + string.Join(", ", Known) + ".");
        }

        string? prefix = null;
        if (Single(q, "district") is { } district)
        {
            if (DistrictCodes.TryNormalize(district, out var code))
            {
                prefix = DistrictScope.Prefix(code);
            }
            else
            {
                errors.Add("district", "Expected a GB/T 2260 code (2, 4, 6, 9 or 12 digits).");
            }
        }

        string[]? stages = null;
        if (Single(q, "stage") is { } stageText)
        {
            stages = stageText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (stages.Length == 0 || stages.Any(s => !Stages.Contains(s, StringComparer.Ordinal)))
            {
                errors.Add("stage", "Expected one or more of " + string.Join(", ", Stages) + ", comma-separated.");
            }
        }

        var type = Single(q, "type");
        if (type is not null && !TypePattern().IsMatch(type))
        {
            errors.Add("type", "Expected a project type code (letters, digits, - and _, at most 30).");
        }

        double[]? bbox = null;
        if (Single(q, "bbox") is { } bboxText)
        {
            var parts = bboxText.Split(',');
            var values = new double[4];
            var ok = parts.Length == 4;
            for (var i = 0; ok && i < 4; i++)
            {
                ok = double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && double.IsFinite(values[i]);
            }

            if (!ok || !(values[0] <= values[2] && values[1] <= values[3] && values[0] >= -180 && values[2] <= 180 && values[1] >= -90 && values[3] <= 90))
            {
                errors.Add("bbox", "Expected four numbers minLon,minLat,maxLon,maxLat in degrees, min ≤ max.");
            }
            else
            {
                bbox = values;
            }
        }

        var limit = Integer(q, "limit", DefaultLimit, 1, MaxLimit, errors);
        var offset = Integer(q, "offset", 0, 0, int.MaxValue - MaxLimit, errors);
        return errors.IsEmpty ? new ProjectListQuery(prefix, stages, type, bbox, limit, offset) : null;
    }

    private static string WithOffset(HttpRequest request, int offset, int limit)
    {
        var parameters = request.Query
            .Where(p => p.Key is not "offset" and not "limit")
            .Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value))
            .Append(new("limit", limit.ToString(CultureInfo.InvariantCulture)))
            .Append(new("offset", offset.ToString(CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString(PublicUrls.Absolute(request, request.Path), parameters);
    }

    private static string? Single(IQueryCollection q, string name)
    {
        var value = q[name].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static int Integer(IQueryCollection q, string name, int fallback, int min, int max, FieldErrors errors)
    {
        if (Single(q, name) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(name, FormattableString.Invariant($"Expected an integer from {min} to {max}."));
        return fallback;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,30}$")]
    private static partial Regex TypePattern();
}
