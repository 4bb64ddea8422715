using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Ogc;

/// <summary>
/// The OpenAPI 3.0 definition of <c>/ogc</c> (conformance class <c>oas30</c>): the generic paths,
/// and one items path per collection listing its own filterable properties, which is where
/// clients such as GDAL look for the parameters they may send.
/// </summary>
internal static class OgcOpenApi
{
    /// <summary>Every path with what it returns, for the HTML page.</summary>
    public static IEnumerable<(string Path, string Summary)> PathSummaries(IReadOnlyList<OgcLayer> layers)
    {
        yield return ("/", "Landing page");
        yield return ("/conformance", "Conformance classes");
        yield return ("/api", "This API definition");
        yield return ("/collections", "The collections");
        foreach (var l in layers)
        {
            yield return ("/collections/" + l.Id, l.Title);
            yield return ("/collections/" + l.Id + "/items", "Features of " + l.Id + "; filters: bbox, bbox-crs, crs, limit, after"
                + (l.TimeColumn is null ? "" : ", datetime") + (l.Queryables.Count == 0 ? "" : ", " + string.Join(", ", l.Queryables.Select(q => q.Name)))
                + ", filter (CQL2), filter-lang, filter-crs");
            yield return ("/collections/" + l.Id + "/queryables", "Queryables of " + l.Id + " (JSON Schema)");
            yield return ("/collections/" + l.Id + "/items/{featureId}", "One feature of " + l.Id);
        }
    }

    /// <summary>The OpenAPI document; <paramref name="root"/> is the absolute URL of <c>/ogc</c>.</summary>
    public static JsonObject Document(string root, IReadOnlyList<OgcLayer> layers)
    {
        var paths = new JsonObject
        {
            ["/"] = Get("getLandingPage", "Landing page", "Links to the API definition, conformance and collections.", [Ref("f")], JsonResponse()),
            ["/conformance"] = Get("getConformance", "Conformance classes", "The conformance classes implemented.", [Ref("f")], JsonResponse()),
            ["/api"] = Get("getApi", "API definition", "This document.", [Ref("f")], JsonResponse(OgcEndpoints.OpenApiJson)),
            ["/collections"] = Get("getCollections", "Collections", "The public layers.", [Ref("f")], JsonResponse()),
        };

        foreach (var l in layers)
        {
            var id = l.Id.Replace('-', '_');
            paths["/collections/" + l.Id] = Get("describe_" + id, l.Title, l.Description, [Ref("f")], JsonResponse());
            var parameters = new List<JsonNode>
            {
                Ref("bbox"), Ref("bbox-crs"), Ref("crs"), Ref("limit"), Ref("after"), Ref("district"), Ref("f"),
                Ref("filter"), Ref("filter-lang"), Ref("filter-crs"),
            };
            if (l.TimeColumn is not null)
            {
                parameters.Add(Ref("datetime"));
            }

            parameters.AddRange(l.Queryables.Select(q => (JsonNode)new JsonObject
            {
                ["name"] = q.Name,
                ["in"] = "query",
                ["required"] = false,
                ["style"] = "form",
                ["explode"] = false,
                ["description"] = "Features whose " + q.Name + " equals this value.",
                ["schema"] = QueryableSchema(q),
            }));
            paths["/collections/" + l.Id + "/queryables"] = Get("getQueryables_" + id, "Queryables of " + l.Id,
                "The properties of " + l.Id + " usable in filter and as query parameters, as JSON Schema.", [Ref("f")], JsonResponse(OgcEndpoints.SchemaJson));
            paths["/collections/" + l.Id + "/items"] = Get("getFeatures_" + id, "Features of " + l.Id, l.Description, parameters, GeoJsonResponse());
            paths["/collections/" + l.Id + "/items/{featureId}"] = Get("getFeature_" + id, "One feature of " + l.Id, l.Description,
                [Ref("featureId"), Ref("crs"), Ref("f")], GeoJsonResponse());
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "无障碍设施登记监管平台 Accessibility Registry — OGC API Features",
                ["version"] = "1.0.0",
                ["description"] = "Public barrier-free facilities, road segments and districts. Pages are keyset pages: follow the next link.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = root }),
            ["paths"] = paths,
            ["components"] = new JsonObject { ["parameters"] = Parameters() },
        };
    }

    private static JsonObject QueryableSchema(OgcQueryable q)
    {
        var schema = new JsonObject { ["type"] = q.Type };
        if (q.Format is not null)
        {
            schema["format"] = q.Format;
        }

        if (q.Enum is not null)
        {
            schema["enum"] = new JsonArray(q.Enum.Select(v => (JsonNode)v).ToArray());
        }

        return schema;
    }

    private static JsonObject Parameters()
    {
        var crsEnum = new JsonArray(OgcCrs.Supported.Select(c => (JsonNode)c).ToArray());
        return new JsonObject
        {
            ["f"] = Query("f", "Response format.", new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("json", "html") }),
            ["limit"] = Query("limit", "Features per page; larger values are reduced to 10000.", new JsonObject
            {
                ["type"] = "integer",
                ["minimum"] = 1,
                ["maximum"] = OgcItemsQuery.MaxLimit,
                ["default"] = OgcItemsQuery.DefaultLimit,
            }),
            ["bbox"] = new JsonObject
            {
                ["name"] = "bbox",
                ["in"] = "query",
                ["required"] = false,
                ["style"] = "form",
                ["explode"] = false,
                ["description"] = "minLon,minLat,maxLon,maxLat in CRS84, or in the axis order of bbox-crs.",
                ["schema"] = new JsonObject
                {
                    ["type"] = "array",
                    ["minItems"] = 4,
                    ["maxItems"] = 6,
                    ["items"] = new JsonObject { ["type"] = "number" },
                },
            },
            ["bbox-crs"] = Query("bbox-crs", "CRS of bbox (default CRS84).", new JsonObject { ["type"] = "string", ["format"] = "uri", ["enum"] = crsEnum.DeepClone() }),
            ["crs"] = Query("crs", "CRS of the response geometries (default CRS84).", new JsonObject { ["type"] = "string", ["format"] = "uri", ["enum"] = crsEnum }),
            ["datetime"] = Query("datetime", "Instant or interval (RFC 3339; '..' for an open end) on the collection's time: updatedAt, requestedAt for public-reports.", new JsonObject { ["type"] = "string" }),
            ["after"] = Query("after", "Keyset cursor from the next link: the last id of the previous page.", new JsonObject { ["type"] = "string" }),
            ["district"] = Query("district", "GB/T 2260 code: features of the district and its children.", new JsonObject { ["type"] = "string" }),
            ["filter"] = Query("filter", "A CQL2 filter on the collection's queryables (see its /queryables): comparisons, LIKE, BETWEEN, IN, IS NULL, "
                + "AND/OR/NOT, S_INTERSECTS, S_WITHIN and the other spatial functions with WKT (text) or GeoJSON (JSON) geometries.", new JsonObject { ["type"] = "string" }),
            ["filter-lang"] = Query("filter-lang", "Language of filter (default cql2-text).", new JsonObject
            {
                ["type"] = "string",
                ["enum"] = new JsonArray(OgcItemsQuery.FilterLanguages.Select(x => (JsonNode)x).ToArray()),
                ["default"] = OgcItemsQuery.FilterLanguages[0],
            }),
            ["filter-crs"] = Query("filter-crs", "CRS of the geometries in filter (default CRS84; EPSG:4490 and EPSG:4326 are latitude first).",
                new JsonObject { ["type"] = "string", ["format"] = "uri", ["enum"] = crsEnum.DeepClone() }),
            ["featureId"] = new JsonObject
            {
                ["name"] = "featureId",
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string" },
            },
        };
    }

    private static JsonObject Query(string name, string description, JsonObject schema) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["required"] = false,
        ["style"] = "form",
        ["explode"] = false,
        ["description"] = description,
        ["schema"] = schema,
    };

    private static JsonObject Ref(string parameter) => new() { ["$ref"] = "#/components/parameters/" + parameter };

    private static JsonObject Get(string operationId, string summary, string description, IEnumerable<JsonNode> parameters, JsonObject responses) => new()
    {
        ["get"] = new JsonObject
        {
            ["operationId"] = operationId,
            ["summary"] = summary,
            ["description"] = description,
            ["tags"] = new JsonArray("OGC API Features"),
            ["parameters"] = new JsonArray(parameters.ToArray()),
            ["responses"] = responses,
        },
    };

    private static JsonObject JsonResponse(string type = OgcEndpoints.Json) => Responses(type);

    private static JsonObject GeoJsonResponse() => Responses(Infrastructure.RawJsonResult.GeoJson);

    private static JsonObject Responses(string type) => new()
    {
        ["200"] = new JsonObject
        {
            ["description"] = "OK",
            ["content"] = new JsonObject
            {
                [type] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                [OgcEndpoints.Html] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } },
            },
        },
        ["400"] = new JsonObject { ["description"] = "A parameter is invalid (RFC 7807 problem naming it)." },
        ["404"] = new JsonObject { ["description"] = "No such collection or feature." },
    };
}
