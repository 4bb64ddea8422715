using System.Globalization;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Ogc;

/// <summary>The coordinate reference systems offered (OGC API – Features Part 2).</summary>
public static class OgcCrs
{
    /// <summary>WGS 84 longitude/latitude, the default (RFC 7946 axis order).</summary>
    public const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    /// <summary>CGCS2000, the storage CRS. Its axis order is latitude, longitude.</summary>
    public const string Epsg4490 = "http://www.opengis.net/def/crs/EPSG/0/4490";

    /// <summary>WGS 84 with the EPSG axis order: latitude, longitude.</summary>
    public const string Epsg4326 = "http://www.opengis.net/def/crs/EPSG/0/4326";

    /// <summary>Every CRS a client may ask for, default first.</summary>
    public static readonly IReadOnlyList<string> Supported = [Crs84, Epsg4490, Epsg4326];

    /// <summary>
    /// Whether <paramref name="uri"/> is an offered CRS; <paramref name="latitudeFirst"/> tells
    /// whether its first axis is latitude (EPSG geographic CRSs are, CRS84 is not).
    /// </summary>
    public static bool TryParse(string uri, out string crs, out bool latitudeFirst)
    {
        ArgumentNullException.ThrowIfNull(uri);
        // Also accept the safe CURIE form "[EPSG:4490]" and the http/https variants.
        var text = uri.Trim();
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            text = text[1..^1];
        }

        text = text.Replace("https://", "http://", StringComparison.Ordinal);
        crs = text switch
        {
            Crs84 or "OGC:CRS84" => Crs84,
            Epsg4490 or "EPSG:4490" => Epsg4490,
            Epsg4326 or "EPSG:4326" => Epsg4326,
            _ => "",
        };
        latitudeFirst = crs is Epsg4490 or Epsg4326;
        return crs.Length > 0;
    }
}

/// <summary>The validated query of <c>/ogc/collections/{id}/items</c>.</summary>
/// <param name="Bbox">Bounding box in lon/lat (already reordered from <c>bbox-crs</c>), or null.</param>
/// <param name="DistrictPrefix">District code prefix (a district with its children), or null.</param>
/// <param name="Start">Earliest <c>updated_at</c>, inclusive, or null.</param>
/// <param name="End">Latest <c>updated_at</c>, inclusive, or null.</param>
/// <param name="Properties">Equality filters on queryables, with typed values.</param>
/// <param name="Limit">Page size, 1..<see cref="OgcItemsQuery.MaxLimit"/>.</param>
/// <param name="After">Keyset cursor: the last id of the previous page, or null for the first page.</param>
/// <param name="Crs">Response CRS URI.</param>
/// <param name="LatitudeFirst">Whether the response CRS puts latitude first.</param>
/// <param name="Scope">The districts the caller may read (<see cref="ReadScope"/>); null for every district.</param>
/// <param name="Filter">The CQL2 <c>filter</c> (Part 3), already checked against the layer's queryables, or null.</param>
/// <param name="FilterLatitudeFirst">Whether the geometries of <paramref name="Filter"/> put latitude first (<c>filter-crs</c>).</param>
public sealed record OgcItemsQuery(
    Bbox? Bbox,
    string? DistrictPrefix,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    IReadOnlyList<(OgcQueryable Queryable, object Value)> Properties,
    int Limit,
    string? After,
    string Crs,
    bool LatitudeFirst,
    ReadScope? Scope = null,
    CqlNode? Filter = null,
    bool FilterLatitudeFirst = false)
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultLimit = 10;

    /// <summary>Largest page; a larger <c>limit</c> is reduced to it, as Part 1 permits.</summary>
    public const int MaxLimit = 10000;

    /// <summary>Query parameters every items request may carry, besides the layer's queryables.</summary>
    /// <remarks><c>api-key</c> is a department's API key for GIS clients that cannot send headers (Features/Sharing).</remarks>
    public static readonly IReadOnlyList<string> CommonParameters =
        ["f", "limit", "bbox", "bbox-crs", "crs", "datetime", "district", "after", "filter", "filter-lang", "filter-crs", ApiKeyAuthenticationHandler.QueryParameter];

    /// <summary>
    /// The filter languages of <c>filter-lang</c> (Part 3), the default first. <c>cql-text</c> is the draft's name that GDAL 3.6's
    /// OAPIF driver sends (it looks for it in the OpenAPI enum of filter-lang); what it writes is CQL2 text, read as such.
    /// </summary>
    public static readonly IReadOnlyList<string> FilterLanguages = ["cql2-text", "cql2-json", "cql-text"];

    /// <summary>Parses the query string for <paramref name="layer"/>, naming each bad parameter in <paramref name="errors"/>.</summary>
    public static OgcItemsQuery? TryParse(IQueryCollection q, OgcLayer layer, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(errors);

        foreach (var key in q.Keys)
        {
            if (!CommonParameters.Contains(key, StringComparer.Ordinal) && !layer.Queryables.Any(p => p.Name == key))
            {
                errors.Add(key, "Unknown parameter. Parameters: " + string.Join(", ", CommonParameters) + "; queryables of " + layer.Id + ": "
                    + string.Join(", ", layer.Queryables.Select(p => p.Name)) + " (see /collections/" + layer.Id + "/queryables).");
            }
        }

        var crs = OgcCrs.Crs84;
        var latitudeFirst = false;
        if (Single(q, "crs") is { } crsText && !OgcCrs.TryParse(crsText, out crs, out latitudeFirst))
        {
            errors.Add("crs", "Unsupported CRS. Expected one of: " + string.Join(", ", OgcCrs.Supported) + ".");
        }

        var bboxLatitudeFirst = false;
        if (Single(q, "bbox-crs") is { } bboxCrs && !OgcCrs.TryParse(bboxCrs, out _, out bboxLatitudeFirst))
        {
            errors.Add("bbox-crs", "Unsupported CRS. Expected one of: " + string.Join(", ", OgcCrs.Supported) + ".");
        }

        var bbox = ParseBbox(Single(q, "bbox"), bboxLatitudeFirst, errors);

        string? prefix = null;
        if (Single(q, "district") is { } district)
        {
            prefix = DistrictCodes.TryNormalize(district, out var code) ? DistrictScope.Prefix(code) : null;
            if (prefix is null)
            {
                errors.Add("district", "Expected a GB/T 2260 code (2, 4, 6, 9 or 12 digits).");
            }
        }

        DateTimeOffset? start = null, end = null;
        if (Single(q, "datetime") is { } datetime)
        {
            if (layer.TimeColumn is null)
            {
                errors.Add("datetime", "The collection " + layer.Id + " has no time.");
            }
            else if (!TryParseInterval(datetime, out start, out end))
            {
                errors.Add("datetime", "Expected an RFC 3339 date-time, or an interval start/end with '..' for an open end.");
            }
        }

        var limit = DefaultLimit;
        if (Single(q, "limit") is { } limitText)
        {
            if (int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
            {
                limit = Math.Min(n, MaxLimit);
            }
            else if (limitText.Length > 0 && limitText.All(char.IsAsciiDigit) && limitText.TrimStart('0').Length > 0)
            {
                limit = MaxLimit; // larger than an int: reduced to the maximum like any large limit
            }
            else
            {
                errors.Add("limit", FormattableString.Invariant($"Expected an integer from 1 to {MaxLimit}."));
            }
        }

        var after = Single(q, "after");
        if (after is not null && !(after.Length <= 18 && after.All(char.IsAsciiDigit)))
        {
            errors.Add("after", "Expected the id of the last feature of the previous page, as given in the next link.");
        }

        var properties = new List<(OgcQueryable, object)>();
        foreach (var queryable in layer.Queryables)
        {
            if (Single(q, queryable.Name) is not { } value)
            {
                continue;
            }

            if (queryable.Type == "boolean")
            {
                if (bool.TryParse(value, out var b))
                {
                    properties.Add((queryable, b));
                }
                else
                {
                    errors.Add(queryable.Name, "Expected true or false.");
                }
            }
            else if (queryable.Type == "integer")
            {
                if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    properties.Add((queryable, n));
                }
                else
                {
                    errors.Add(queryable.Name, "Expected an integer.");
                }
            }
            else if (queryable.Type == "number")
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                {
                    properties.Add((queryable, d));
                }
                else
                {
                    errors.Add(queryable.Name, "Expected a number.");
                }
            }
            else if (queryable.Format == "date-time")
            {
                if (TryParseInstant(value, out var t) && t is { } instant)
                {
                    properties.Add((queryable, instant.ToUniversalTime()));
                }
                else
                {
                    errors.Add(queryable.Name, "Expected an RFC 3339 date-time.");
                }
            }
            else
            {
                properties.Add((queryable, value));
            }
        }

        var (filter, filterLatitudeFirst) = ParseFilter(q, layer, errors);
        return errors.IsEmpty
            ? new OgcItemsQuery(bbox, prefix, start, end, properties, limit, after, crs, latitudeFirst, null, filter, filterLatitudeFirst)
            : null;
    }

    /// <summary>
    /// <c>filter</c> in <c>filter-lang</c> (cql2-text by default, or cql2-json) with geometries in <c>filter-crs</c> (CRS84 by
    /// default, or EPSG:4490/4326 latitude first), checked against the queryables; errors name <c>filter</c> and the place.
    /// </summary>
    private static (CqlNode? Filter, bool LatitudeFirst) ParseFilter(IQueryCollection q, OgcLayer layer, FieldErrors errors)
    {
        var lang = Single(q, "filter-lang") ?? FilterLanguages[0];
        if (!FilterLanguages.Contains(lang, StringComparer.Ordinal))
        {
            errors.Add("filter-lang", "Expected " + string.Join(" or ", FilterLanguages) + ".");
            return (null, false);
        }

        var latitudeFirst = false;
        if (Single(q, "filter-crs") is { } filterCrs && !OgcCrs.TryParse(filterCrs, out _, out latitudeFirst))
        {
            errors.Add("filter-crs", "Unsupported CRS. Expected one of: " + string.Join(", ", OgcCrs.Supported) + ".");
            return (null, false);
        }

        // Not trimmed: the positions in the messages count from the first character sent.
        var text = q["filter"].ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, false);
        }

        if (text.Length > MaxFilterLength)
        {
            errors.Add("filter", FormattableString.Invariant($"At most {MaxFilterLength} characters."));
            return (null, false);
        }

        try
        {
            var filter = lang == "cql2-json" ? Cql2.ParseJson(text) : Cql2.ParseText(text);
            Cql2Sql.Check(layer, filter, latitudeFirst);
            return (filter, latitudeFirst);
        }
        catch (CqlException e)
        {
            errors.Add("filter", e.Message);
            return (null, false);
        }
    }

    /// <summary>Longest <c>filter</c> read.</summary>
    public const int MaxFilterLength = 100_000;

    private static Bbox? ParseBbox(string? text, bool latitudeFirst, FieldErrors errors)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(',');
        var values = new double[parts.Length];
        var ok = parts.Length is 4 or 6;
        for (var i = 0; ok && i < parts.Length; i++)
        {
            ok = double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && double.IsFinite(values[i]);
        }

        if (!ok)
        {
            errors.Add("bbox", latitudeFirst
                ? "Expected four numbers in the axis order of bbox-crs: minLat,minLon,maxLat,maxLon."
                : "Expected four numbers: minLon,minLat,maxLon,maxLat.");
            return null;
        }

        // Six numbers carry heights (minX,minY,minZ,maxX,maxY,maxZ); the data are 2D, so heights are ignored.
        var (a, b, c, d) = values.Length == 6 ? (values[0], values[1], values[3], values[4]) : (values[0], values[1], values[2], values[3]);
        var (minLon, minLat, maxLon, maxLat) = latitudeFirst ? (b, a, d, c) : (a, b, c, d);
        if (!(minLon <= maxLon && minLat <= maxLat && minLon >= -180 && maxLon <= 180 && minLat >= -90 && maxLat <= 90))
        {
            errors.Add("bbox", "Expected min ≤ max on both axes, in degrees (a box across the antimeridian is not supported).");
            return null;
        }

        return new Bbox(minLon, minLat, maxLon, maxLat);
    }

    /// <summary>Parses an RFC 3339 instant or interval (<c>a/b</c>, <c>../b</c>, <c>a/..</c>); an instant is the interval [t, t].</summary>
    internal static bool TryParseInterval(string text, out DateTimeOffset? start, out DateTimeOffset? end)
    {
        start = end = null;
        var parts = text.Split('/');
        if (parts.Length == 1)
        {
            if (!TryParseInstant(parts[0], out var t) || t is null)
            {
                return false;
            }

            start = end = t;
            return true;
        }

        return parts.Length == 2
            && TryParseInstant(parts[0], out start)
            && TryParseInstant(parts[1], out end)
            && (start is null || end is null || start <= end);
    }

    private static bool TryParseInstant(string text, out DateTimeOffset? value)
    {
        value = null;
        if (text is "" or "..")
        {
            return true;
        }

        // A date alone (2024-05-01) is the start of that day in UTC.
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day))
        {
            value = day;
            return true;
        }

        if (text.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            value = t;
            return true;
        }

        return false;
    }

    private static string? Single(IQueryCollection q, string name)
    {
        var value = q[name].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
