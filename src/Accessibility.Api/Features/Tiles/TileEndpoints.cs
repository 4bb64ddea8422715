using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
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
        app.MapGet("/tiles/{layer}.json", TileJson).WithTags("Tiles").WithName("GetTileJson").AllowAnonymous()
            .WithSummary("TileJSON 3.0.0 of a tile layer (facilities, roads, defects, reports; ?kind= for facilities): the absolute tile URL template, "
                + "zooms, the bounds and centre of its data, and its vector layer with every field and its type, for MapLibre, QGIS and other viewers.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>TileJSON version served.</summary>
    public const string TileJsonVersion = "3.0.0";

    /// <summary>How long a TileJSON document may be cached, seconds (its bounds follow the data).</summary>
    public const int TileJsonMaxAgeSeconds = 300;

    private static async Task<IResult> TileJson(string layer, HttpContext http, RegistryDbContext db, FacilityKindCatalog kinds,
        Microsoft.Extensions.Options.IOptions<RegistryOptions> options, CancellationToken ct)
    {
        if (!TileSql.Layers.TryGetValue(layer, out var definition))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown layer",
                detail: "Layers: " + string.Join(", ", TileSql.Layers.Keys) + ".");
        }

        var errors = new FieldErrors();
        foreach (var key in http.Request.Query.Keys.Where(k => k != "kind"))
        {
            errors.Add(key, "Unknown parameter: expected kind (facilities only) or nothing.");
        }

        var kind = http.Request.Query["kind"].ToString();
        if (kind.Length > 0 && !definition.ByKind)
        {
            errors.Add("kind", "Only the facilities layer takes a kind.");
        }
        else if (kind.Length > 0 && !kinds.TryGet(kind, out _))
        {
            errors.Add("kind", "Unknown facility kind; see /api/v1/facility-kinds.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        var bounds = await TileSql.BoundsAsync(connection, layer, kind.Length > 0 ? kind : null, ct) ?? [73.5, 18.1, 135.1, 53.6];
        bounds = bounds.Select(v => Math.Round(v, 6)).ToArray();
        // The {z}/{x}/{y} placeholders stay as they are: PathString would escape the braces.
        var template = PublicUrls.Absolute(http.Request, "/tiles/" + layer) + "/{z}/{x}/{y}.mvt"
            + (kind.Length > 0 ? "?kind=" + Uri.EscapeDataString(kind) : "");
        var fields = new JsonObject();
        foreach (var (name, type) in definition.Fields)
        {
            fields[name] = type;
        }

        var attribution = "无障碍设施登记监管平台 Accessibility Registry"
            + (options.Value.LoadDemoData ? " — 示例数据为程序生成（合成），不是真实登记 demo data are generated (synthetic), not real records" : "");
        var document = new JsonObject
        {
            ["tilejson"] = TileJsonVersion,
            ["name"] = layer,
            ["description"] = definition.Description,
            ["attribution"] = attribution,
            ["scheme"] = "xyz",
            ["tiles"] = new JsonArray(template),
            ["minzoom"] = 0,
            ["maxzoom"] = MaxZoom,
            ["bounds"] = new JsonArray(bounds.Select(v => (JsonNode)v).ToArray()),
            ["center"] = new JsonArray(
                Math.Round((bounds[0] + bounds[2]) / 2, 6), Math.Round((bounds[1] + bounds[3]) / 2, 6), CenterZoom(bounds)),
            ["vector_layers"] = new JsonArray(new JsonObject
            {
                // The layer name inside the tile (ST_AsMVT) is the path name.
                ["id"] = layer,
                ["description"] = definition.Description,
                ["minzoom"] = 0,
                ["maxzoom"] = MaxZoom,
                ["fields"] = fields,
            }),
        };
        http.Response.Headers.CacheControl = "public, max-age=" + TileJsonMaxAgeSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Text(document.ToJsonString(), "application/json", System.Text.Encoding.UTF8);
    }

    /// <summary>The zoom at which the bounds fill about one 256 px tile, at least 3, at most 14.</summary>
    private static int CenterZoom(double[] bounds)
    {
        var span = Math.Max(bounds[2] - bounds[0], bounds[3] - bounds[1]);
        return span <= 0 ? 14 : Math.Clamp((int)Math.Floor(Math.Log2(360 / span)), 3, 14);
    }

    private static async Task<IResult> Tile(string layer, string z, string x, string y, HttpContext http, StaleReads reads, CancellationToken ct)
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

        await using var connection = await reads.OpenAsync(http, ct);
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
