using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// <c>/tiles/{layer}/{z}/{x}/{y}.mvt</c>: public vector tiles for the map, with an ETag made from the layer's change
/// stamps over the tile's area (<see cref="TileStamps"/>; 304 on a matching <c>If-None-Match</c>, from memory), a
/// cache of rendered tiles (<see cref="TileCache"/>) and <c>Cache-Control</c>, so a CDN or nginx can absorb the public load.
/// </summary>
public static class TileEndpoints
{
    /// <summary>Media type of a Mapbox Vector Tile.</summary>
    public const string MediaType = "application/vnd.mapbox-vector-tile";

    /// <summary>Deepest zoom served.</summary>
    public const int MaxZoom = 22;

    /// <summary>How long a tile may be cached, seconds.</summary>
    public const int MaxAgeSeconds = 60;

    /// <summary>The tiles' change stamps (kept by listening to the database) and the cache of rendered tiles.</summary>
    public static IServiceCollection AddTiles(this IServiceCollection services)
    {
        services.AddSingleton<TileCache>();
        services.AddSingleton<TileStamps>();
        services.AddHostedService(sp => sp.GetRequiredService<TileStamps>());
        services.AddHostedService<FacilityDueReference>();
        services.AddHostedService<TileWarmUp>();
        return services;
    }

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

    private static async Task<IResult> Tile(string layer, string z, string x, string y, HttpContext http, StaleReads reads,
        TileStamps stamps, TileCache cache, CancellationToken ct)
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

        var key = CacheKey(layer, zoom.Value, col.Value, row.Value, http.Request.Query);
        var cells = TileCells.Of(zoom.Value, col.Value, row.Value);
        var bucket = TileCache.BucketOf(layer, DateTimeOffset.UtcNow);
        var headers = http.Response.Headers;
        headers.CacheControl = "public, max-age=" + MaxAgeSeconds.ToString(CultureInfo.InvariantCulture);
        headers.Vary = HeaderNames.AcceptEncoding;

        // Unchanged since the client's copy or the one kept here: answered from memory, no query.
        if (stamps.TryStamp(layer, cells, out var known))
        {
            var etag = TileCache.ETagOf(key, known, bucket);
            if (IsNotModified(http, etag))
            {
                headers.ETag = etag;
                cache.CountNotModified();
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }

            if (cache.TryGet(key, known, bucket, out var kept))
            {
                headers.ETag = kept.ETag;
                return TypedResults.Bytes(kept.Bytes, MediaType);
            }
        }

        // The stamp is read before the tile, in the same place (a standby may lag the primary whose notifications made
        // the stamps in memory): the tile is at least as new as its stamp, so a stamp never names older content.
        await using var connection = await reads.OpenAsync(http, ct);
        var stamp = await TileStampsSql.StampAsync(connection, layer, cells, ct);
        var tagged = TileCache.ETagOf(key, stamp, bucket);
        headers.ETag = tagged;
        if (IsNotModified(http, tagged))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (cache.TryGet(key, stamp, bucket, out var cached))
        {
            return TypedResults.Bytes(cached.Bytes, MediaType);
        }

        // A cold tile asked for by many at once (a popular view after a change) is rendered once; the render runs to its end
        // on this request's connection even if this client leaves (CancellationToken.None), since others may wait for it.
        var tile = await cache.RenderOnceAsync(key, stamp, bucket, tagged,
            () => TileSql.TileAsync(connection, layer, zoom.Value, col.Value, row.Value, filter, CancellationToken.None), ct);
        return TypedResults.Bytes(tile, MediaType);
    }

    /// <summary>The tile's address and its filters in a stable order (the API key, which changes nothing drawn, left out).</summary>
    private static string CacheKey(string layer, int z, int x, int y, IQueryCollection query)
    {
        var key = new System.Text.StringBuilder(layer).Append('/').Append(z).Append('/').Append(x).Append('/').Append(y);
        var separator = '?';
        foreach (var (name, values) in query.Where(q => q.Key != ApiKeyAuthenticationHandler.QueryParameter).OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            foreach (var value in values)
            {
                key.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
                separator = '&';
            }
        }

        return key.ToString();
    }

    private static bool IsNotModified(HttpContext http, string etag) =>
        http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => IsMatch(t.Trim(), etag)));

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
