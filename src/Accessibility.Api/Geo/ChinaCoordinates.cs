namespace Accessibility.Api.Geo;

/// <summary>
/// Conversions between WGS 84, GCJ-02 (the obfuscated datum used by AMap, Tencent and other
/// Chinese phone maps) and BD-09 (Baidu), using the widely published open-source formulas
/// (the same as wandergis/coordtransform, googollee/eviltransform and hujiulong/gcoord).
/// All methods take and return (longitude, latitude) in degrees.
/// </summary>
/// <remarks>
/// GCJ-02 and BD-09 offsets are applied only where <see cref="IsInsideChina"/> is true;
/// elsewhere every conversion is the identity, which is what the Chinese map providers do
/// (they serve unshifted WGS 84 abroad).
/// </remarks>
public static class ChinaCoordinates
{
    // Krasowski 1940 ellipsoid, which the GCJ-02 algorithm is built on.
    private const double KrasovskyA = 6378245.0;
    private const double KrasovskyEe = 0.00669342162296594323;
    private const double XPi = Math.PI * 3000.0 / 180.0;

    // Iterative inverse stops below ~1e-5 m; GCJ offsets are smooth, so a handful of steps suffice.
    private const double InverseToleranceDegrees = 1e-10;
    private const int InverseMaxIterations = 30;

    /// <summary>
    /// The rough rectangle (72.004°E–137.8347°E, 0.8293°N–55.8271°N) that the GCJ-02 algorithm
    /// itself uses to decide whether to shift. It also covers parts of neighbouring countries;
    /// callers that need the real border must check against district boundaries.
    /// </summary>
    public static bool IsInsideChina(double lon, double lat) =>
        lon is >= 72.004 and <= 137.8347 && lat is >= 0.8293 and <= 55.8271;

    /// <summary>WGS 84 → GCJ-02. Identity outside <see cref="IsInsideChina"/>.</summary>
    public static (double Lon, double Lat) Wgs84ToGcj02(double lon, double lat)
    {
        if (!IsInsideChina(lon, lat))
        {
            return (lon, lat);
        }

        var (dLon, dLat) = GcjOffset(lon, lat);
        return (lon + dLon, lat + dLat);
    }

    /// <summary>
    /// GCJ-02 → WGS 84, solved iteratively so that <see cref="Wgs84ToGcj02"/> of the result
    /// reproduces the input to well under a millimetre (the common one-step inverse is off by
    /// up to a few metres). Identity outside <see cref="IsInsideChina"/>.
    /// </summary>
    public static (double Lon, double Lat) Gcj02ToWgs84(double lon, double lat)
    {
        if (!IsInsideChina(lon, lat))
        {
            return (lon, lat);
        }

        // Fixed-point iteration w ← w + (gcj − f(w)); the offset's derivative is ~1e-5, so it
        // contracts quickly. The raw offset (no rectangle test) keeps it well defined at the edge.
        var wLon = lon;
        var wLat = lat;
        for (var i = 0; i < InverseMaxIterations; i++)
        {
            var (dLon, dLat) = GcjOffset(wLon, wLat);
            var errLon = wLon + dLon - lon;
            var errLat = wLat + dLat - lat;
            wLon -= errLon;
            wLat -= errLat;
            if (Math.Abs(errLon) < InverseToleranceDegrees && Math.Abs(errLat) < InverseToleranceDegrees)
            {
                break;
            }
        }

        return (wLon, wLat);
    }

    /// <summary>GCJ-02 → BD-09 (Baidu's published formula). Identity outside <see cref="IsInsideChina"/>.</summary>
    public static (double Lon, double Lat) Gcj02ToBd09(double lon, double lat) =>
        IsInsideChina(lon, lat) ? GcjToBdRaw(lon, lat) : (lon, lat);

    /// <summary>
    /// BD-09 → GCJ-02, solved iteratively so that <see cref="Gcj02ToBd09"/> of the result reproduces
    /// the input (the commonly published one-step inverse is off by up to ~0.2 m).
    /// Identity outside <see cref="IsInsideChina"/>.
    /// </summary>
    public static (double Lon, double Lat) Bd09ToGcj02(double lon, double lat)
    {
        if (!IsInsideChina(lon, lat))
        {
            return (lon, lat);
        }

        // Start from the published one-step inverse, then refine against the forward formula.
        var x = lon - 0.0065;
        var y = lat - 0.006;
        var z = Math.Sqrt((x * x) + (y * y)) - (0.00002 * Math.Sin(y * XPi));
        var theta = Math.Atan2(y, x) - (0.000003 * Math.Cos(x * XPi));
        var gLon = z * Math.Cos(theta);
        var gLat = z * Math.Sin(theta);
        for (var i = 0; i < InverseMaxIterations; i++)
        {
            var (bLon, bLat) = GcjToBdRaw(gLon, gLat);
            var errLon = bLon - lon;
            var errLat = bLat - lat;
            gLon -= errLon;
            gLat -= errLat;
            if (Math.Abs(errLon) < InverseToleranceDegrees && Math.Abs(errLat) < InverseToleranceDegrees)
            {
                break;
            }
        }

        return (gLon, gLat);
    }

    /// <summary>BD-09 → WGS 84 (via GCJ-02). Identity outside <see cref="IsInsideChina"/>.</summary>
    public static (double Lon, double Lat) Bd09ToWgs84(double lon, double lat)
    {
        var (gLon, gLat) = Bd09ToGcj02(lon, lat);
        return Gcj02ToWgs84(gLon, gLat);
    }

    /// <summary>WGS 84 → BD-09 (via GCJ-02). Identity outside <see cref="IsInsideChina"/>.</summary>
    public static (double Lon, double Lat) Wgs84ToBd09(double lon, double lat)
    {
        var (gLon, gLat) = Wgs84ToGcj02(lon, lat);
        return Gcj02ToBd09(gLon, gLat);
    }

    private static (double Lon, double Lat) GcjToBdRaw(double lon, double lat)
    {
        var z = Math.Sqrt((lon * lon) + (lat * lat)) + (0.00002 * Math.Sin(lat * XPi));
        var theta = Math.Atan2(lat, lon) + (0.000003 * Math.Cos(lon * XPi));
        return ((z * Math.Cos(theta)) + 0.0065, (z * Math.Sin(theta)) + 0.006);
    }

    private static (double DLon, double DLat) GcjOffset(double lon, double lat)
    {
        var x = lon - 105.0;
        var y = lat - 35.0;
        var dLat = OffsetLat(x, y);
        var dLon = OffsetLon(x, y);
        var radLat = lat / 180.0 * Math.PI;
        var sinLat = Math.Sin(radLat);
        var magic = 1 - (KrasovskyEe * sinLat * sinLat);
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (KrasovskyA * (1 - KrasovskyEe) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (KrasovskyA / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return (dLon, dLat);
    }

    private static double OffsetLat(double x, double y)
    {
        var ret = -100.0 + (2.0 * x) + (3.0 * y) + (0.2 * y * y) + (0.1 * x * y) + (0.2 * Math.Sqrt(Math.Abs(x)));
        ret += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        ret += ((20.0 * Math.Sin(y * Math.PI)) + (40.0 * Math.Sin(y / 3.0 * Math.PI))) * 2.0 / 3.0;
        ret += ((160.0 * Math.Sin(y / 12.0 * Math.PI)) + (320.0 * Math.Sin(y * Math.PI / 30.0))) * 2.0 / 3.0;
        return ret;
    }

    private static double OffsetLon(double x, double y)
    {
        var ret = 300.0 + x + (2.0 * y) + (0.1 * x * x) + (0.1 * x * y) + (0.1 * Math.Sqrt(Math.Abs(x)));
        ret += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        ret += ((20.0 * Math.Sin(x * Math.PI)) + (40.0 * Math.Sin(x / 3.0 * Math.PI))) * 2.0 / 3.0;
        ret += ((150.0 * Math.Sin(x / 12.0 * Math.PI)) + (300.0 * Math.Sin(x / 30.0 * Math.PI))) * 2.0 / 3.0;
        return ret;
    }
}
