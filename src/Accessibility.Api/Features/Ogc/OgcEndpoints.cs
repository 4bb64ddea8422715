using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Npgsql;

namespace Accessibility.Api.Features.Ogc;

/// <summary>
/// OGC API – Features at <c>/ogc</c>: Part 1 Core (landing page, conformance, OpenAPI definition,
/// collections, keyset-paged items, single items; GeoJSON and HTML) and Part 2 (CRS by reference:
/// CRS84 by default, EPSG:4490 and EPSG:4326 with <c>crs</c> and <c>bbox-crs</c>, <c>Content-Crs</c>).
/// Public and read-only: only the layers of <see cref="OgcSql.Layers"/>, never household records.
/// </summary>
public static class OgcEndpoints
{
    /// <summary>Conformance classes implemented.</summary>
    public static readonly IReadOnlyList<string> ConformanceClasses =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
        "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    ];

    /// <summary>Media type of the queryables document.</summary>
    internal const string SchemaJson = "application/schema+json";

    /// <summary>Link relation of a collection's queryables.</summary>
    internal const string QueryablesRel = "http://www.opengis.net/def/rel/ogc/1.0/queryables";

    internal const string Json = "application/json";
    internal const string OpenApiJson = "application/vnd.oai.openapi+json;version=3.0";
    internal const string Html = "text/html";

    /// <summary>Chinese titles written as UTF-8 rather than \u escapes; the documents are never embedded in HTML script.</summary>
    private static readonly JsonSerializerOptions Utf8Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Maps the <c>/ogc</c> routes.</summary>
    public static IEndpointRouteBuilder MapOgcEndpoints(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("/ogc").WithTags("OGC API Features");
        ogc.MapGet("", Landing).WithName("OgcLandingPage").AllowAnonymous().WithSummary("OGC API – Features landing page (JSON or HTML).");
        ogc.MapGet("/conformance", Conformance).WithName("OgcConformance").AllowAnonymous().WithSummary("Conformance classes implemented.");
        ogc.MapGet("/api", Api).WithName("OgcApiDefinition").AllowAnonymous().WithSummary("OpenAPI 3.0 definition of the OGC endpoints.");
        ogc.MapGet("/collections", Collections).WithName("OgcCollections").AllowAnonymous().WithSummary("The public layers: facilities, one per facility kind, road segments, districts, open defects, public reports.");
        ogc.MapGet("/collections/{collectionId}", Collection).WithName("OgcCollection").AllowAnonymous().WithSummary("One collection's metadata: extent, CRSs, links.");
        ogc.MapGet("/collections/{collectionId}/queryables", Queryables)
            .WithName("OgcQueryables").AllowAnonymous()
            .WithSummary("The properties a collection can be filtered on (Part 3), as a JSON Schema 2020-12 document.");
        ogc.MapGet("/collections/{collectionId}/items", Items)
            .WithName("OgcItems").AllowAnonymous()
            .WithSummary("Features of a collection: bbox (bbox-crs), datetime, queryables as parameters, a CQL2 filter (filter-lang cql2-text or cql2-json, filter-crs), limit (default 10, max 10000), keyset next links; crs for the response; an unknown parameter is a 400.");
        ogc.MapGet("/collections/{collectionId}/items/{featureId}", Item).WithName("OgcItem").AllowAnonymous().WithSummary("One feature of a collection (f, crs).");
        return app;
    }

    private static IResult Landing(HttpRequest request)
    {
        if (Format(request) is not { } html)
        {
            return BadFormat();
        }

        var root = Root(request);
        const string title = "无障碍设施登记监管平台 Accessibility Registry";
        const string description = "Barrier-free facilities, road accessibility and districts as OGC API – Features (public data; coordinates CGCS2000 ≈ WGS 84).";
        if (html)
        {
            var body = "<p>" + OgcHtml.E(description) + "</p>\n<ul>"
                + "<li>" + OgcHtml.A(root + "/collections?f=html", "Collections 图层") + "</li>"
                + "<li>" + OgcHtml.A(root + "/conformance?f=html", "Conformance 符合性") + "</li>"
                + "<li>" + OgcHtml.A(root + "/api?f=html", "API definition (OpenAPI 3.0)") + "</li>"
                + "<li>" + OgcHtml.A(root + "?f=json", "This page as JSON") + "</li></ul>";
            return HtmlResult(OgcHtml.Page(title, [("OGC API", root + "?f=html")], body));
        }

        return JsonResult(new JsonObject
        {
            ["title"] = title,
            ["description"] = description,
            ["links"] = new JsonArray(
                Link(root, "self", Json, "This document"),
                Link(root + "?f=html", "alternate", Html, "This document as HTML"),
                Link(root + "/api", "service-desc", OpenApiJson, "The API definition"),
                Link(root + "/api?f=html", "service-doc", Html, "The API documentation"),
                Link(root + "/conformance", "conformance", Json, "Conformance classes"),
                Link(root + "/conformance", "http://www.opengis.net/def/rel/ogc/1.0/conformance", Json, "Conformance classes"),
                Link(root + "/collections", "data", Json, "Collections"),
                Link(root + "/collections", "http://www.opengis.net/def/rel/ogc/1.0/data", Json, "Collections")),
        });
    }

    private static IResult Conformance(HttpRequest request)
    {
        if (Format(request) is not { } html)
        {
            return BadFormat();
        }

        var root = Root(request);
        if (html)
        {
            var rows = ConformanceClasses.Select(c => (IReadOnlyList<string>)[OgcHtml.A(c, c)]);
            return HtmlResult(OgcHtml.Page("Conformance 符合性", [("OGC API", root + "?f=html"), ("Conformance", root + "/conformance?f=html")],
                OgcHtml.Table("Conformance classes", ["URI"], rows)));
        }

        return JsonResult(new JsonObject { ["conformsTo"] = new JsonArray(ConformanceClasses.Select(c => (JsonNode)c).ToArray()) });
    }

    private static IResult Api(HttpRequest request, FacilityKindCatalog catalog)
    {
        if (Format(request) is not { } html)
        {
            return BadFormat();
        }

        var root = Root(request);
        var layers = OgcSql.Layers(catalog);
        if (html)
        {
            var rows = OgcOpenApi.PathSummaries(layers).Select(p => (IReadOnlyList<string>)[OgcHtml.E(p.Path), OgcHtml.E(p.Summary)]);
            var body = "<p>" + OgcHtml.A(root + "/api", "OpenAPI 3.0 document (JSON)") + "</p>\n"
                + OgcHtml.Table("Paths (relative to " + root + ")", ["Path", "What it returns"], rows);
            return HtmlResult(OgcHtml.Page("API definition", [("OGC API", root + "?f=html"), ("API", root + "/api?f=html")], body));
        }

        return JsonResult(OgcOpenApi.Document(root, layers), OpenApiJson);
    }

    private static async Task<IResult> Collections(HttpRequest request, FacilityKindCatalog catalog, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (Format(request) is not { } html)
        {
            return BadFormat();
        }

        var root = Root(request);
        // With an API key, the collections of its layers (and districts): what GDAL or QGIS lists, it can read.
        var layers = OgcSql.Layers(catalog)
            .Where(l => AccessRules.Allows(request.HttpContext.User, Operations.Read.Name, new RegistryResource(KindOf(l), null))).ToList();
        double[]? extent;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            extent = await OgcSql.ExtentAsync(connection, ct);
        }

        if (html)
        {
            var rows = layers.Select(l => (IReadOnlyList<string>)
            [
                OgcHtml.A(root + "/collections/" + l.Id + "?f=html", l.Id),
                OgcHtml.E(l.Title),
                OgcHtml.E(l.Description),
                OgcHtml.A(root + "/collections/" + l.Id + "/items?f=html", "Features 要素"),
            ]);
            return HtmlResult(OgcHtml.Page("Collections 图层", [("OGC API", root + "?f=html"), ("Collections", root + "/collections?f=html")],
                OgcHtml.Table("Collections", ["Id", "Title", "Description", "Items"], rows)));
        }

        return JsonResult(new JsonObject
        {
            ["links"] = new JsonArray(
                Link(root + "/collections", "self", Json, "This document"),
                Link(root + "/collections?f=html", "alternate", Html, "This document as HTML")),
            ["crs"] = new JsonArray(OgcCrs.Supported.Select(c => (JsonNode)c).ToArray()),
            ["collections"] = new JsonArray(layers.Select(l => (JsonNode)CollectionJson(root, l, extent)).ToArray()),
        });
    }

    private static async Task<IResult> Collection(
        string collectionId, HttpRequest request, FacilityKindCatalog catalog, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (Format(request) is not { } html)
        {
            return BadFormat();
        }

        if (Find(catalog, collectionId) is not { } layer)
        {
            return NoSuchCollection(collectionId);
        }

        var root = Root(request);
        double[]? extent;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            extent = await OgcSql.ExtentAsync(connection, ct);
        }

        if (html)
        {
            var rows = new List<IReadOnlyList<string>>
            {
                new[] { "Title", OgcHtml.E(layer.Title) },
                new[] { "Description", OgcHtml.E(layer.Description) },
                new[] { "Geometry", OgcHtml.E(string.Join(", ", layer.GeometryTypes)) },
                new[] { "Storage CRS", OgcHtml.E(OgcCrs.Epsg4490) },
                new[] { "CRSs offered", OgcHtml.E(string.Join(", ", OgcCrs.Supported)) },
                new[] { "Filterable properties", OgcHtml.E(string.Join(", ", layer.Queryables.Select(q => q.Name))) },
                new[] { "Time (datetime)", layer.TimeColumn is null ? "none" : layer.TimeProperty },
                new[] { "Extent (lon/lat)", extent is null ? "" : OgcHtml.E(string.Join(", ", extent.Select(v => v.ToString("0.######", CultureInfo.InvariantCulture)))) },
            };
            var body = OgcHtml.Table(layer.Id, ["", ""], rows.Select(r => (IReadOnlyList<string>)[OgcHtml.E(r[0]), r[1]]))
                + "\n<p>" + OgcHtml.A(root + "/collections/" + layer.Id + "/items?f=html", "Browse the features 浏览要素") + " · "
                + OgcHtml.A(root + "/collections/" + layer.Id + "/items", "GeoJSON") + "</p>";
            return HtmlResult(OgcHtml.Page(layer.Title, Crumbs(root, layer), body));
        }

        return JsonResult(CollectionJson(root, layer, extent));
    }

    private static IResult Queryables(string collectionId, HttpRequest request, FacilityKindCatalog catalog)
    {
        if (Format(request) is not { } html)
        {
            return BadFormat();
        }

        var errors = new FieldErrors();
        FeatureListRequest.RefuseUnknown(request.Query, ["f", ApiKeyAuthenticationHandler.QueryParameter], errors);
        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, QueryProblemTitle);
        }

        if (Find(catalog, collectionId) is not { } layer)
        {
            return NoSuchCollection(collectionId);
        }

        var root = Root(request);
        var url = root + "/collections/" + layer.Id + "/queryables";
        if (html)
        {
            var rows = layer.Queryables.Select(q => (IReadOnlyList<string>)
            [
                OgcHtml.E(q.Name), OgcHtml.E(q.Title ?? ""), OgcHtml.E(q.Format is null ? q.Type : q.Type + " (" + q.Format + ")"),
                OgcHtml.E(q.Enum is null ? "" : string.Join(", ", q.Enum)),
            ]).Prepend([Cql2Sql.GeometryProperty, "Geometry 几何", OgcHtml.E(GeometryFormat(layer)), ""]);
            return HtmlResult(OgcHtml.Page(layer.Title + " — queryables", [.. Crumbs(root, layer), ("Queryables", url + "?f=html")],
                OgcHtml.Table("Queryables (filter, CQL2)", ["Name", "Title", "Type", "Values"], rows)));
        }

        return JsonResult(QueryablesJson(url, layer), SchemaJson);
    }

    /// <summary>
    /// The queryables of <paramref name="layer"/> as JSON Schema 2020-12 (Part 3, clause 6): an object schema whose properties
    /// are the queryables with their type, format, enum and <c>x-ogc-role</c>, and the geometry with its <c>geometry-*</c> format.
    /// </summary>
    internal static JsonObject QueryablesJson(string url, OgcLayer layer)
    {
        var properties = new JsonObject
        {
            [Cql2Sql.GeometryProperty] = new JsonObject
            {
                ["title"] = "Geometry 几何",
                ["format"] = GeometryFormat(layer),
                ["x-ogc-role"] = "primary-geometry",
            },
        };
        foreach (var q in layer.Queryables)
        {
            var p = new JsonObject();
            if (q.Title is not null)
            {
                p["title"] = q.Title;
            }

            p["type"] = q.Type;
            if (q.Format is not null)
            {
                p["format"] = q.Format;
            }

            if (q.Enum is not null)
            {
                p["enum"] = new JsonArray(q.Enum.Select(v => (JsonNode)v).ToArray());
            }

            if (q.Role is not null)
            {
                p["x-ogc-role"] = q.Role;
            }

            properties[q.Name] = p;
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = url,
            ["type"] = "object",
            ["title"] = layer.Title,
            ["description"] = "Properties of " + layer.Id + " for filter (CQL2 text or JSON) and as query parameters.",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
    }

    /// <summary>The JSON Schema format of a layer's geometry (<c>geometry-point</c>, …; <c>geometry-any</c> when mixed).</summary>
    private static string GeometryFormat(OgcLayer layer) => layer.GeometryType switch
    {
        "Point" => "geometry-point",
        "LineString" => "geometry-linestring",
        "Polygon" => "geometry-polygon",
        "MultiPolygon" => "geometry-multipolygon",
        _ => "geometry-any",
    };

    /// <summary>The kind of record of the rule table a collection holds.</summary>
    private static string KindOf(OgcLayer layer) => SharedLayers.OgcCollection(layer.Id) switch
    {
        SharedLayers.Roads => ResourceKinds.Road,
        SharedLayers.Defects => ResourceKinds.Defect,
        SharedLayers.PublicReports => ResourceKinds.Report,
        SharedLayers.Facilities => ResourceKinds.Facility,
        _ => ResourceKinds.District,
    };

    private static async Task<IResult> Items(
        string collectionId, HttpContext http, FacilityKindCatalog catalog, StaleReads reads, CancellationToken ct)
    {
        var request = http.Request;
        if (Format(request) is not { } html)
        {
            return BadFormat();
        }

        if (Find(catalog, collectionId) is not { } layer)
        {
            return NoSuchCollection(collectionId);
        }

        var errors = new FieldErrors();
        var query = OgcItemsQuery.TryParse(request.Query, layer, errors);
        if (query is null)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, QueryProblemTitle);
        }

        query = query with { Scope = ReadScope.For(http, KindOf(layer), Operations.Read) };

        var root = Root(request);
        await using var connection = await reads.OpenAsync(http, ct);
        // numberMatched costs a count of the whole filtered set, so only the first page carries it:
        // following pages stay as cheap as the keyset seek (the member is optional in Part 1).
        long? matched = query.After is null ? await OgcSql.CountAsync(connection, layer, query, ct) : null;
        await using var command = OgcSql.PageCommand(connection, layer, query);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var self = Url(request, null, null);

        if (html)
        {
            var features = new List<(string Id, string Json)>();
            string? htmlLast = null;
            var more = false;
            while (await reader.ReadAsync(ct))
            {
                if (features.Count == query.Limit)
                {
                    more = true;
                    break;
                }

                htmlLast = reader.GetString(0);
                features.Add((htmlLast, reader.GetString(1)));
            }

            return HtmlResult(ItemsHtml(root, layer, request, features, matched, more ? Url(request, htmlLast, "html") : null));
        }

        var response = http.Response;
        response.ContentType = RawJsonResult.GeoJson + "; charset=utf-8";
        response.Headers["Content-Crs"] = "<" + query.Crs + ">";
        await response.StartAsync(ct);
        var writer = response.BodyWriter;
        await writer.WriteAsync("{\"type\":\"FeatureCollection\",\"features\":["u8.ToArray(), ct);
        var returned = 0;
        string? last = null;
        var hasMore = false;
        var buffer = new StringBuilder();
        while (await reader.ReadAsync(ct))
        {
            if (returned == query.Limit)
            {
                hasMore = true;
                break;
            }

            last = reader.GetString(0);
            buffer.Append(returned == 0 ? "" : ",").Append(reader.GetString(1));
            returned++;
            if (buffer.Length > 32_768)
            {
                await writer.WriteAsync(Encoding.UTF8.GetBytes(buffer.ToString()), ct);
                buffer.Clear();
            }
        }

        var links = new JsonArray(
            Link(self, "self", RawJsonResult.GeoJson, "This page"),
            Link(Url(request, query.After, "html"), "alternate", Html, "This page as HTML"),
            Link(root + "/collections/" + layer.Id, "collection", Json, "The collection"));
        if (hasMore)
        {
            links.Add(Link(Url(request, last, null), "next", RawJsonResult.GeoJson, "Next page"));
        }

        var tail = new JsonObject
        {
            ["numberReturned"] = returned,
            ["timeStamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["links"] = links,
        };
        if (matched is { } m)
        {
            tail["numberMatched"] = m;
        }

        // The closing members follow the features: JSON object members have no order.
        var tailText = tail.ToJsonString(Utf8Json);
        buffer.Append("],").Append(tailText.AsSpan(1));
        await writer.WriteAsync(Encoding.UTF8.GetBytes(buffer.ToString()), ct);
        await writer.CompleteAsync();
        return Results.Empty;
    }

    private static async Task<IResult> Item(
        string collectionId, string featureId, HttpRequest request, FacilityKindCatalog catalog, StaleReads reads, CancellationToken ct)
    {
        if (Format(request) is not { } html)
        {
            return BadFormat();
        }

        if (Find(catalog, collectionId) is not { } layer)
        {
            return NoSuchCollection(collectionId);
        }

        var unknown = new FieldErrors();
        FeatureListRequest.RefuseUnknown(request.Query, ["f", "crs", ApiKeyAuthenticationHandler.QueryParameter], unknown);
        if (!unknown.IsEmpty)
        {
            return unknown.ToResult(StatusCodes.Status400BadRequest, QueryProblemTitle);
        }

        var crs = OgcCrs.Crs84;
        var latitudeFirst = false;
        var crsText = request.Query["crs"].ToString();
        if (crsText.Length > 0 && !OgcCrs.TryParse(crsText, out crs, out latitudeFirst))
        {
            return new FieldErrors().Add("crs", "Unsupported CRS. Expected one of: " + string.Join(", ", OgcCrs.Supported) + ".")
                .ToResult(StatusCodes.Status400BadRequest, QueryProblemTitle);
        }

        (string Json, string? DistrictCode)? found;
        await using (var connection = await reads.OpenAsync(request.HttpContext, ct))
        {
            found = await OgcSql.FeatureAsync(connection, layer, featureId, latitudeFirst, ct);
        }

        if (found is not ({ } json, var district))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "No feature " + featureId + " in collection " + layer.Id + ".");
        }

        if (district is not null && await request.HttpContext.AuthorizeAsync(Operations.Read, RegistryResource.In(KindOf(layer), district)) is { } denied)
        {
            return denied;
        }

        var root = Root(request);
        var itemUrl = root + "/collections/" + layer.Id + "/items/" + Uri.EscapeDataString(featureId);
        if (html)
        {
            using var doc = JsonDocument.Parse(json);
            var rows = doc.RootElement.GetProperty("properties").EnumerateObject()
                .Select(p => (IReadOnlyList<string>)[OgcHtml.E(p.Name), OgcHtml.Cell(p.Value)])
                .Prepend(["geometry", OgcHtml.Geometry(doc.RootElement.GetProperty("geometry"))]);
            var body = OgcHtml.Table(layer.Id + " " + featureId, ["Property", "Value"], rows)
                + "\n<p>" + OgcHtml.A(itemUrl, "GeoJSON") + "</p>";
            return HtmlResult(OgcHtml.Page(layer.Title + " " + featureId,
                [.. Crumbs(root, layer), ("Items", root + "/collections/" + layer.Id + "/items?f=html"), (featureId, itemUrl + "?f=html")], body));
        }

        var feature = JsonNode.Parse(json)!.AsObject();
        feature["links"] = new JsonArray(
            Link(itemUrl, "self", RawJsonResult.GeoJson, "This feature"),
            Link(itemUrl + "?f=html", "alternate", Html, "This feature as HTML"),
            Link(root + "/collections/" + layer.Id, "collection", Json, "The collection"));
        return new OgcJsonResult(feature.ToJsonString(Utf8Json), RawJsonResult.GeoJson) { ContentCrs = crs };
    }

    private static string ItemsHtml(string root, OgcLayer layer, HttpRequest request, List<(string Id, string Json)> features, long? matched, string? next)
    {
        var docs = features.Select(f => JsonDocument.Parse(f.Json)).ToList();
        try
        {
            var columns = new List<string>();
            foreach (var d in docs)
            {
                foreach (var p in d.RootElement.GetProperty("properties").EnumerateObject())
                {
                    if (!columns.Contains(p.Name))
                    {
                        columns.Add(p.Name);
                    }
                }
            }

            var rows = features.Zip(docs).Select(x =>
            {
                var props = x.Second.RootElement.GetProperty("properties");
                var cells = new List<string>
                {
                    OgcHtml.A(root + "/collections/" + layer.Id + "/items/" + Uri.EscapeDataString(x.First.Id) + "?f=html", x.First.Id),
                    OgcHtml.Geometry(x.Second.RootElement.GetProperty("geometry")),
                };
                cells.AddRange(columns.Select(c => props.TryGetProperty(c, out var v) ? OgcHtml.Cell(v) : ""));
                return (IReadOnlyList<string>)cells;
            });
            var summary = matched is { } m
                ? string.Create(CultureInfo.InvariantCulture, $"{features.Count} of {m} features.")
                : string.Create(CultureInfo.InvariantCulture, $"{features.Count} features.");
            var body = "<p>" + OgcHtml.E(summary) + "</p>\n"
                + OgcHtml.Table(layer.Title, ["id", "geometry", .. columns], rows)
                + "\n<p>" + (next is null ? "" : OgcHtml.A(next, "Next page 下一页") + " · ")
                + OgcHtml.A(Url(request, request.Query["after"].ToString() is { Length: > 0 } a ? a : null, "json"), "GeoJSON") + "</p>";
            return OgcHtml.Page(layer.Title + " — items", [.. Crumbs(root, layer), ("Items", root + "/collections/" + layer.Id + "/items?f=html")], body);
        }
        finally
        {
            docs.ForEach(d => d.Dispose());
        }
    }

    private static JsonObject CollectionJson(string root, OgcLayer layer, double[]? extent)
    {
        var items = root + "/collections/" + layer.Id + "/items";
        var collection = new JsonObject
        {
            ["id"] = layer.Id,
            ["title"] = layer.Title,
            ["description"] = layer.Description,
            ["itemType"] = "feature",
            // The geometry types of its features (GeoJSON names), several for a mixed collection: docs/served-geometry.md.
            ["geometryTypes"] = new JsonArray(layer.GeometryTypes.Select(t => (JsonNode)t).ToArray()),
            ["links"] = new JsonArray(
                Link(root + "/collections/" + layer.Id, "self", Json, "This collection"),
                Link(root + "/collections/" + layer.Id + "?f=html", "alternate", Html, "This collection as HTML"),
                Link(items, "items", RawJsonResult.GeoJson, "The features"),
                Link(items + "?f=html", "items", Html, "The features as HTML"),
                Link(root + "/collections/" + layer.Id + "/queryables", QueryablesRel, SchemaJson, "The queryables (filter properties)")),
            ["crs"] = new JsonArray(OgcCrs.Supported.Select(c => (JsonNode)c).ToArray()),
            ["storageCrs"] = OgcCrs.Epsg4490,
        };
        if (extent is not null)
        {
            var spatial = new JsonObject
            {
                ["bbox"] = new JsonArray(new JsonArray(extent.Select(v => (JsonNode)Math.Round(v, 6)).ToArray())),
                ["crs"] = OgcCrs.Crs84,
            };
            collection["extent"] = new JsonObject { ["spatial"] = spatial };
            if (layer.TimeColumn is not null)
            {
                collection["extent"]!["temporal"] = new JsonObject
                {
                    ["interval"] = new JsonArray(new JsonArray(null, null)),
                    ["trs"] = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
                };
            }
        }

        return collection;
    }

    private static OgcLayer? Find(FacilityKindCatalog catalog, string id) =>
        OgcSql.Layers(catalog).FirstOrDefault(l => string.Equals(l.Id, id, StringComparison.Ordinal));

    private static IResult NoSuchCollection(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No collection " + id + ". See /ogc/collections.");

    private const string QueryProblemTitle = "One or more query parameters are not acceptable.";

    private static IResult BadFormat() =>
        new FieldErrors().Add("f", "Expected json or html.").ToResult(StatusCodes.Status400BadRequest, QueryProblemTitle);

    /// <summary>
    /// True for HTML, false for JSON, null for an unknown <c>f</c>. Without <c>f</c>, HTML only when the
    /// client accepts text/html and no JSON (a browser), so GIS clients get JSON.
    /// </summary>
    private static bool? Format(HttpRequest request)
    {
        var f = request.Query["f"].ToString();
        if (f.Length > 0)
        {
            return f switch
            {
                "html" => true,
                "json" or "geojson" => false,
                _ => null,
            };
        }

        var accept = request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) && !accept.Contains("json", StringComparison.OrdinalIgnoreCase);
    }

    private static string Root(HttpRequest request) =>
        PublicUrls.Absolute(request, "/ogc");

    private static (string, string)[] Crumbs(string root, OgcLayer layer) =>
        [("OGC API", root + "?f=html"), ("Collections", root + "/collections?f=html"), (layer.Id, root + "/collections/" + layer.Id + "?f=html")];

    /// <summary>This request's URL with the keyset cursor <paramref name="after"/> and format <paramref name="f"/> (null: unchanged).</summary>
    private static string Url(HttpRequest request, string? after, string? f)
    {
        var parameters = request.Query
            .Where(p => p.Key != "after" && (f is null || p.Key != "f"))
            .Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value))
            .ToList();
        if (after is not null)
        {
            parameters.Add(new("after", after));
        }

        if (f is not null)
        {
            parameters.Add(new("f", f));
        }

        return QueryHelpers.AddQueryString(PublicUrls.Absolute(request, request.Path), parameters);
    }

    private static JsonObject Link(string href, string rel, string type, string title) => new()
    {
        ["href"] = href,
        ["rel"] = rel,
        ["type"] = type,
        ["title"] = title,
    };

    private static OgcJsonResult JsonResult(JsonObject body, string contentType = Json) => new(body.ToJsonString(Utf8Json), contentType);

    private static OgcJsonResult HtmlResult(string html) => new(html, Html);
}

/// <summary>A JSON or HTML document written as it is, with <c>Content-Crs</c> for features.</summary>
internal sealed class OgcJsonResult(string body, string contentType) : IResult
{
    /// <summary>CRS of the coordinates in the body, sent as <c>Content-Crs</c>.</summary>
    public string? ContentCrs { get; init; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = contentType + "; charset=utf-8";
        if (ContentCrs is not null)
        {
            response.Headers["Content-Crs"] = "<" + ContentCrs + ">";
        }

        return response.WriteAsync(body, httpContext.RequestAborted);
    }
}
