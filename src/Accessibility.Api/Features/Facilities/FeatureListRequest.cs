using System.Globalization;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.OpenApi;

namespace Accessibility.Api.Features.Facilities;

/// <summary>The two layers of located records that share the list filters.</summary>
public enum FeatureLayer
{
    /// <summary>Facilities (<c>kind</c>, <c>inspectionState</c>).</summary>
    Facilities,

    /// <summary>Road segments (<c>roadClass</c>).</summary>
    Roads,
}

/// <summary>Where a filter is read: each route knows the filters and, besides them, only its own parameters.</summary>
public enum FeatureRoute
{
    /// <summary><c>/api/v1/facilities</c>, <c>/api/v1/roads</c>: filters, <c>limit</c>, <c>offset</c> (facilities: <c>near</c>).</summary>
    List,

    /// <summary><c>/api/v1/exports/{facilities|roads}.*</c>: filters, no page.</summary>
    Export,

    /// <summary><c>/tiles/facilities/…</c>: filters except <c>bbox</c> (the tile is the box), no page, no caller scope (public tiles).</summary>
    Tile,
}

/// <summary>A query parameter as the OpenAPI description shows it.</summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Description">What it selects.</param>
/// <param name="Type">JSON Schema type: string or integer.</param>
/// <param name="Values">Allowed values, or null for free text.</param>
public sealed record QueryParameterDoc(string Name, string Description, string Type = "string", IReadOnlyList<string>? Values = null);

/// <summary>
/// The one filter parser of facilities and roads: the list, the exports and the facility tiles read their query string here
/// into a <see cref="FeatureQuery"/> (turned into SQL by <see cref="FacilitySql.AppendFilters"/> alone), so a filter
/// selects the same records on every route; a parameter the route does not know is an error naming it; and
/// <see cref="Parameters"/> is the same table as the OpenAPI description.
/// </summary>
public static class FeatureListRequest
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Longest <c>q</c> and <c>managingUnit</c>.</summary>
    public const int MaxTextLength = 200;

    /// <summary>The name of the kind filter of <paramref name="layer"/>: <c>kind</c> or <c>roadClass</c>.</summary>
    public static string KindParameter(FeatureLayer layer) => layer == FeatureLayer.Roads ? "roadClass" : "kind";

    /// <summary>The query parameters <paramref name="route"/> takes for <paramref name="layer"/>, filters first.</summary>
    public static IReadOnlyList<QueryParameterDoc> Parameters(FeatureLayer layer, FeatureRoute route)
    {
        var list = new List<QueryParameterDoc>();
        if (route != FeatureRoute.Tile)
        {
            list.Add(new("bbox", "minLon,minLat,maxLon,maxLat in degrees (CGCS2000 ≈ WGS 84): records whose geometry intersects the box."));
        }

        list.Add(new("district", "GB/T 2260 code (2, 4, 6, 9 or 12 digits): records in that district or any of its children."));
        list.Add(layer == FeatureLayer.Roads
            ? new("roadClass", "Road class code (see /api/v1/facility-kinds, roadClasses).")
            : new("kind", "Facility kind code (see /api/v1/facility-kinds)."));
        list.Add(new("status", "Status code: operational, defective_usable, unusable, under_construction or removed (see /api/v1/facility-kinds)."));
        list.Add(new("q", "Text the name contains, matched literally and case-insensitively (at most 200 characters)."));
        list.Add(new("managingUnit", "The managing unit (管理责任单位), exactly as recorded."));
        if (layer == FeatureLayer.Facilities)
        {
            list.Add(new("inspectionState", "Inspection state against the kind's interval.", Values: InspectionSql.States));
        }

        if (route == FeatureRoute.List)
        {
            list.Add(new("limit", FormattableString.Invariant($"Page size, 1 to {MaxLimit} (default {DefaultLimit})."), "integer"));
            list.Add(new("offset", "Records to skip (follow the next link instead).", "integer"));
            if (layer == FeatureLayer.Facilities)
            {
                list.Add(new("near", "lon,lat in degrees: nearest first, each with distanceM (geodesic metres)."));
            }
        }

        return list;
    }

    /// <summary>
    /// Reads the query of <paramref name="route"/> for <paramref name="layer"/>, naming each bad or unknown parameter in
    /// <paramref name="errors"/>. List and export reads are limited to the caller's districts (API keys); tiles are public.
    /// </summary>
    public static FeatureQuery? TryParse(HttpRequest request, FeatureLayer layer, FeatureRoute route, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        var q = request.Query;
        var known = Parameters(layer, route).Select(p => p.Name).Append(ApiKeyAuthenticationHandler.QueryParameter).ToHashSet(StringComparer.Ordinal);
        RefuseUnknown(q, known, errors);

        var bbox = route == FeatureRoute.Tile ? null : ParseBbox(Single(q, "bbox"), errors);

        string? prefix = null;
        if (Single(q, "district") is { } district)
        {
            prefix = DistrictCodes.TryNormalize(district, out var code) ? DistrictScope.Prefix(code) : null;
            if (prefix is null)
            {
                errors.Add("district", "Expected a GB/T 2260 code (2, 4, 6, 9 or 12 digits).");
            }
        }

        var catalog = request.HttpContext.RequestServices.GetRequiredService<FacilityKindCatalog>();
        var kindParameter = KindParameter(layer);
        var kind = Single(q, kindParameter);
        if (kind is not null && !(layer == FeatureLayer.Roads ? catalog.IsRoadClass(kind) : catalog.TryGet(kind, out _)))
        {
            errors.Add(kindParameter, layer == FeatureLayer.Roads
                ? "Unknown road class; expected one of " + string.Join(", ", catalog.RoadClasses.Select(c => c.Code)) + "."
                : "Unknown facility kind; see /api/v1/facility-kinds.");
        }

        var status = Single(q, "status");
        if (status is not null && !catalog.IsStatus(status))
        {
            errors.Add("status", "Unknown status; expected one of " + string.Join(", ", catalog.Statuses.Select(s => s.Code)) + ".");
        }

        var text = Text(q, "q", errors);
        var managingUnit = Text(q, "managingUnit", errors);

        string? state = null;
        if (layer == FeatureLayer.Facilities && Single(q, "inspectionState") is { } stateText)
        {
            state = stateText;
            if (!InspectionSql.States.Contains(state, StringComparer.Ordinal))
            {
                errors.Add("inspectionState", "Expected one of " + string.Join(", ", InspectionSql.States) + ".");
            }
        }

        int limit = MaxLimit, offset = 0;
        (double Lon, double Lat)? near = null;
        if (route == FeatureRoute.List)
        {
            limit = Integer(q, "limit", DefaultLimit, 1, MaxLimit, errors);
            offset = Integer(q, "offset", 0, 0, int.MaxValue - MaxLimit, errors);
            near = layer == FeatureLayer.Facilities ? ParseNear(Single(q, "near"), errors) : null;
        }

        var scope = route == FeatureRoute.Tile
            ? null
            : ReadScope.For(request.HttpContext, layer == FeatureLayer.Roads ? ResourceKinds.Road : ResourceKinds.Facility, Operations.Read);
        return errors.IsEmpty
            ? new FeatureQuery(bbox, prefix, kind, status, limit, offset, text, state, near, scope) { ManagingUnit = managingUnit }
            : null;
    }

    /// <summary>An error for every parameter of <paramref name="query"/> not in <paramref name="known"/>, listing the known ones.</summary>
    public static void RefuseUnknown(IQueryCollection query, IReadOnlyCollection<string> known, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var key in query.Keys.Where(k => !known.Contains(k)))
        {
            errors.Add(key, "Unknown parameter. This route takes: " + string.Join(", ", known) + ".");
        }
    }

    /// <summary>Adds the parameters of <paramref name="layer"/> on <paramref name="route"/> to an endpoint's OpenAPI operation.</summary>
    public static TBuilder WithFilterParameters<TBuilder>(this TBuilder builder, FeatureLayer layer, FeatureRoute route)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithQueryParameters(Parameters(layer, route));

    /// <summary>Adds <paramref name="parameters"/> (query) to an endpoint's OpenAPI operation, once each.</summary>
    public static TBuilder WithQueryParameters<TBuilder>(this TBuilder builder, IEnumerable<QueryParameterDoc> parameters)
        where TBuilder : IEndpointConventionBuilder
    {
        var docs = parameters.ToList();
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var p in docs)
            {
                if (operation.Parameters.Any(x => x.Name == p.Name && x.In == ParameterLocation.Query))
                {
                    continue;
                }

                var schema = new OpenApiSchema { Type = p.Type == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String };
                if (p.Values is { } values)
                {
                    schema.Enum = values.Select(v => (System.Text.Json.Nodes.JsonNode)v!).ToList();
                }

                operation.Parameters.Add(new OpenApiParameter { Name = p.Name, In = ParameterLocation.Query, Description = p.Description, Schema = schema });
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>The URL of this page, and of the next and previous ones (same query, other offset).</summary>
    public static PageLinks Links(HttpRequest request, FeatureQuery query)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(query);
        return new PageLinks(
            WithOffset(request, query.Offset, query.Limit),
            WithOffset(request, query.Offset + query.Limit, query.Limit),
            WithOffset(request, Math.Max(0, query.Offset - query.Limit), query.Limit));
    }

    private static Bbox? ParseBbox(string? bboxText, FieldErrors errors)
    {
        if (bboxText is null)
        {
            return null;
        }

        var parts = bboxText.Split(',');
        var values = new double[parts.Length];
        var ok = parts.Length == 4;
        for (var i = 0; ok && i < 4; i++)
        {
            ok = double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && double.IsFinite(values[i]);
        }

        if (!ok)
        {
            errors.Add("bbox", "Expected four numbers: minLon,minLat,maxLon,maxLat.");
            return null;
        }

        if (!(values[0] <= values[2] && values[1] <= values[3] && values[0] >= -180 && values[2] <= 180 && values[1] >= -90 && values[3] <= 90))
        {
            errors.Add("bbox", "Expected minLon ≤ maxLon and minLat ≤ maxLat, in degrees.");
            return null;
        }

        return new Bbox(values[0], values[1], values[2], values[3]);
    }

    /// <summary><c>near=lon,lat</c> (degrees, CGCS2000 as WGS 84), or null when absent.</summary>
    private static (double Lon, double Lat)? ParseNear(string? text, FieldErrors errors)
    {
        if (text is null)
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

    private static string? Text(IQueryCollection q, string name, FieldErrors errors)
    {
        var value = Single(q, name);
        if (value is { Length: > MaxTextLength })
        {
            errors.Add(name, FormattableString.Invariant($"At most {MaxTextLength} characters."));
        }

        return value;
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
}
