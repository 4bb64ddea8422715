namespace Accessibility.Api.Geo;

/// <summary>The coordinate reference systems a client may declare for submitted coordinates.</summary>
public enum InputCrs
{
    /// <summary>WGS 84 longitude/latitude (EPSG:4326), e.g. raw GPS. The default.</summary>
    WGS84,

    /// <summary>CGCS2000 longitude/latitude (EPSG:4490), China's national datum and the storage CRS.</summary>
    CGCS2000,

    /// <summary>GCJ-02, the shifted datum of AMap (Gaode), Tencent and most Chinese phone maps.</summary>
    GCJ02,

    /// <summary>BD-09 longitude/latitude (Baidu Maps, "bd09ll").</summary>
    BD09,
}

/// <summary>Parses the CRS names and aliases clients send (query string, form or JSON).</summary>
public static class InputCrsParser
{
    private static readonly Dictionary<string, InputCrs> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["WGS84"] = InputCrs.WGS84,
        ["WGS-84"] = InputCrs.WGS84,
        ["WGS 84"] = InputCrs.WGS84,
        ["EPSG:4326"] = InputCrs.WGS84,
        ["4326"] = InputCrs.WGS84,
        ["CRS84"] = InputCrs.WGS84,
        ["OGC:CRS84"] = InputCrs.WGS84,
        ["urn:ogc:def:crs:OGC:1.3:CRS84"] = InputCrs.WGS84,
        ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"] = InputCrs.WGS84,
        ["CGCS2000"] = InputCrs.CGCS2000,
        ["EPSG:4490"] = InputCrs.CGCS2000,
        ["4490"] = InputCrs.CGCS2000,
        ["GCJ02"] = InputCrs.GCJ02,
        ["GCJ-02"] = InputCrs.GCJ02,
        ["GCJ02LL"] = InputCrs.GCJ02,
        ["BD09"] = InputCrs.BD09,
        ["BD-09"] = InputCrs.BD09,
        ["BD09LL"] = InputCrs.BD09,
    };

    /// <summary>
    /// Parses <paramref name="value"/> case-insensitively, ignoring surrounding whitespace.
    /// Null, empty or blank means <see cref="InputCrs.WGS84"/> (the GeoJSON default).
    /// </summary>
    /// <returns><c>false</c> for an unknown name; <paramref name="crs"/> is then WGS84 and must not be used.</returns>
    public static bool TryParse(string? value, out InputCrs crs)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            crs = InputCrs.WGS84;
            return true;
        }

        if (Aliases.TryGetValue(value.Trim(), out crs))
        {
            return true;
        }

        crs = InputCrs.WGS84;
        return false;
    }
}
