using System.Globalization;
using System.Security.Cryptography;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// <c>/tiles/{layer}/{z}/{x}/{y}.mvt</c>: public vector tiles for the map, with a content ETag (304 on a matching
/// <c>If-None-Match</c>) and <c>Cache-Control</c>, so a CDN or nginx can absorb the public load.
/// </summary>
public static class TileEndpoints
{
    /// <summary>Media type of a Mapbox Vector Tile.</summary>
    public const string MediaType = "application/vnd.mapbox-vector-tile";

    /// <summary>Deepest zoom served.</summary>
    public const int MaxZoom = 22;

    /// <summary>How long a tile may be cached, seconds.</summary>
    public const int MaxAgeSeconds = 60;

    /// <summary>Maps the tile route.</summary>
    public static IEndpointRouteBuilder MapTileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tiles/{layer}/{z}/{x}/{y}.mvt", Tile).WithTags("Tiles").WithName("GetTile").AllowAnonymous()
            .WithSummary("A Mapbox Vector Tile of facilities (kind, status, inspectionState; filtered by the facility list's filters but bbox: district, kind, status, q, managingUnit, inspectionState), roads (accessibility), open defects or open public reports (no parameters); point layers clustered up to zoom 15; an unknown parameter is a 400.")
            .WithFilterParameters(FeatureLayer.Facilities, FeatureRoute.Tile)
            .Produces(StatusCodes.Status200OK, contentType: MediaType).Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Tile(string layer, string z, string x, string y, HttpContext http, RegistryDbContext db, CancellationToken ct)
    {
        if (!TileSql.Layers.TryGetValue(layer, out var definition))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown layer",
                detail: "Layers: " + string.Join(", ", TileSql.Layers.Keys) + ".");
        }

        var errors = new FieldErrors();
        var zoom = Parse(z, "z", 0, MaxZoom, errors);
        var max = zoom is { } zz ? (1 << zz) - 1 : int.MaxValue;
        var col = Parse(x, "x", 0, max, errors);
        var row = Parse(y, "y", 0, max, errors);
        FeatureQuery? filter = null;
        if (definition.ByKind)
        {
            filter = FeatureListRequest.TryParse(http.Request, FeatureLayer.Facilities, FeatureRoute.Tile, errors);
        }
        else
        {
            FeatureListRequest.RefuseUnknown(http.Request.Query, [ApiKeyAuthenticationHandler.QueryParameter], errors);
        }

        if (!errors.IsEmpty || zoom is null || col is null || row is null)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        var tile = await TileSql.TileAsync(connection, layer, zoom.Value, col.Value, row.Value, filter, ct);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(tile).AsSpan(0, 12)) + "\"";
        var headers = http.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = "public, max-age=" + MaxAgeSeconds.ToString(CultureInfo.InvariantCulture);
        headers.Vary = HeaderNames.AcceptEncoding;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => IsMatch(t.Trim(), etag))))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(tile, MediaType);
    }

    private static bool IsMatch(string candidate, string etag) =>
        candidate == "*" || candidate == etag || (candidate.StartsWith("W/", StringComparison.Ordinal) && candidate[2..] == etag);

    private static int? Parse(string text, string field, int min, int max, FieldErrors errors)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(field, string.Create(CultureInfo.InvariantCulture, $"Expected a whole number from {min} to {(max == int.MaxValue ? "2^z - 1" : max.ToString(CultureInfo.InvariantCulture))}."));
        return null;
    }
}
