using System.Globalization;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// Parses the query string of a GeoJSON list (<c>bbox, district, kind|roadClass, status,
/// limit, offset</c>) into a <see cref="FeatureQuery"/>, naming the parameter on error, and
/// builds the page links. With an API key, the query is limited to the key's districts.
/// </summary>
public static class FeatureListRequest
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Reads the query; <paramref name="kindParameter"/> is the name of the kind filter (<c>kind</c>, <c>roadClass</c>).</summary>
    public static FeatureQuery? TryParse(HttpRequest request, string kindParameter, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        var q = request.Query;
        Bbox? bbox = null;
        if (Single(q, "bbox") is { } bboxText)
        {
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
            }
            else if (!(values[0] <= values[2] && values[1] <= values[3] && values[0] >= -180 && values[2] <= 180 && values[1] >= -90 && values[3] <= 90))
            {
                errors.Add("bbox", "Expected minLon ≤ maxLon and minLat ≤ maxLat, in degrees.");
            }
            else
            {
                bbox = new Bbox(values[0], values[1], values[2], values[3]);
            }
        }

        string? prefix = null;
        if (Single(q, "district") is { } district)
        {
            prefix = DistrictCodes.TryNormalize(district, out var code) ? DistrictScope.Prefix(code) : null;
            if (prefix is null)
            {
                errors.Add("district", "Expected a GB/T 2260 code (2, 4, 6, 9 or 12 digits).");
            }
        }

        var limit = Integer(q, "limit", DefaultLimit, 1, MaxLimit, errors);
        var offset = Integer(q, "offset", 0, 0, int.MaxValue - MaxLimit, errors);
        return errors.IsEmpty
            ? new FeatureQuery(bbox, prefix, Single(q, kindParameter), Single(q, "status"), limit, offset, Scope: ReadScope.For(request.HttpContext, kindParameter == "roadClass" ? ResourceKinds.Road : ResourceKinds.Facility, Operations.Read))
            : null;
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
