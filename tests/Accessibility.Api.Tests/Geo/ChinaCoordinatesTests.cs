using Accessibility.Api.Geo;

namespace Accessibility.Api.Tests.Geo;

public class ChinaCoordinatesTests
{
    // Published WGS 84 -> GCJ-02 pairs (lon, lat in, lon, lat out) with the tolerance of the publication.
    public static TheoryData<double, double, double, double, double> PublishedWgsToGcj => new()
    {
        // googollee/eviltransform go/transform_test.go and javascript/test.js (Shanghai, Shenzhen, Beijing), full precision.
        { 121.5272106, 31.1774276, 121.531541859215, 31.17530398364597, 1e-9 },
        { 113.912316, 22.543847, 113.9171764808363, 22.540796131694766, 1e-9 },
        { 116.377817, 39.911954, 116.38404722455657, 39.91334545536069, 1e-9 },

        // wandergis/coordtransform test/app.js: wgs84togcj02(116.404, 39.915).
        { 116.404, 39.915, 116.41024449916938, 39.91640428150164, 1e-9 },

        // hujiulong/gcoord test/unit/crs/WGS84.spec.ts: WGS84 -> GCJ02 [123, 45], 8 decimals (truncated).
        { 123, 45, 123.00607541, 45.00197815, 1e-8 },
    };

    // Published GCJ-02 -> BD-09 pairs.
    public static TheoryData<double, double, double, double, double> PublishedGcjToBd => new()
    {
        // wandergis/coordtransform test/app.js: gcj02tobd09(116.404, 39.915).
        { 116.404, 39.915, 116.41036949371029, 39.92133699351021, 1e-9 },

        // hujiulong/gcoord test/unit/crs/GCJ02.spec.js: GCJ02 -> BD09 [123, 45], 8 decimals (truncated).
        { 123, 45, 123.00636499, 45.00636899, 1e-8 },
    };

    // Published BD-09 -> GCJ-02 pairs. Both libraries use the one-step inverse formula, which is off
    // by up to ~0.2 m; ours is exact, so agreement is to that approximation's error here (1e-6°).
    public static TheoryData<double, double, double, double, double> PublishedBdToGcj => new()
    {
        // wandergis/coordtransform test/app.js: bd09togcj02(116.404, 39.915).
        { 116.404, 39.915, 116.39762729119315, 39.90865673957631, 1e-6 },

        // hujiulong/gcoord test/unit/crs/BD09.spec.ts: BD09 -> GCJ02 [123, 45].
        { 123, 45, 122.99363304, 44.99365430, 1e-6 },
    };

    [Theory]
    [MemberData(nameof(PublishedWgsToGcj))]
    public void Wgs84ToGcj02_matches_published_values(double lon, double lat, double gLon, double gLat, double tol)
    {
        var (x, y) = ChinaCoordinates.Wgs84ToGcj02(lon, lat);
        Assert.Equal(gLon, x, tol);
        Assert.Equal(gLat, y, tol);
    }

    [Theory]
    [MemberData(nameof(PublishedGcjToBd))]
    public void Gcj02ToBd09_matches_published_values(double lon, double lat, double bLon, double bLat, double tol)
    {
        var (x, y) = ChinaCoordinates.Gcj02ToBd09(lon, lat);
        Assert.Equal(bLon, x, tol);
        Assert.Equal(bLat, y, tol);
    }

    [Theory]
    [MemberData(nameof(PublishedBdToGcj))]
    public void Bd09ToGcj02_matches_published_values(double lon, double lat, double gLon, double gLat, double tol)
    {
        var (x, y) = ChinaCoordinates.Bd09ToGcj02(lon, lat);
        Assert.Equal(gLon, x, tol);
        Assert.Equal(gLat, y, tol);
    }

    [Fact]
    public void Wgs84ToBd09_matches_published_value()
    {
        // hujiulong/gcoord test/unit/crs/WGS84.spec.ts: WGS84 -> BD09 [123, 45], 7 decimals (truncated).
        var (x, y) = ChinaCoordinates.Wgs84ToBd09(123, 45);
        Assert.Equal(123.0124491, x, 1e-7);
        Assert.Equal(45.0083293, y, 1e-7);
    }

    [Fact]
    public void Gcj02ToWgs84_matches_published_exact_inverse()
    {
        // hujiulong/gcoord test/unit/crs/GCJ02.spec.js: GCJ02 -> WGS84 [123, 45]. gcoord iterates
        // only until its residual is below 1e-6°, so agreement is to that; ours must also round-trip.
        var (x, y) = ChinaCoordinates.Gcj02ToWgs84(123, 45);
        Assert.Equal(122.99395597, x, 1e-6);
        Assert.Equal(44.99804071, y, 1e-6);
        var (fx, fy) = ChinaCoordinates.Wgs84ToGcj02(x, y);
        Assert.InRange(Geodesy.Distance(123, 45, fx, fy), 0, 0.001);
    }

    [Fact]
    public void Bd09ToWgs84_matches_published_value()
    {
        // hujiulong/gcoord test/unit/crs/BD09.spec.ts: BD09 -> WGS84 [123, 45] (one-step BD inverse,
        // GCJ residual 1e-6°), so agreement is to ~3e-6°; ours must also round-trip.
        var (x, y) = ChinaCoordinates.Bd09ToWgs84(123, 45);
        Assert.Equal(122.98762210, x, 3e-6);
        Assert.Equal(44.99171540, y, 3e-6);
        var (fx, fy) = ChinaCoordinates.Wgs84ToBd09(x, y);
        Assert.InRange(Geodesy.Distance(123, 45, fx, fy), 0, 0.001);
    }

    [Theory]
    [MemberData(nameof(PublishedWgsToGcj))]
    public void Gcj02ToWgs84_recovers_published_wgs_within_a_centimetre(double lon, double lat, double gLon, double gLat, double tol)
    {
        _ = tol;
        var (x, y) = ChinaCoordinates.Gcj02ToWgs84(gLon, gLat);
        Assert.InRange(Geodesy.Distance(lon, lat, x, y), 0, 0.01);
    }

    [Fact]
    public void Gcj02ToWgs84_is_more_precise_than_the_one_step_inverse()
    {
        // wandergis/coordtransform test/app.js publishes its one-step gcj02towgs84(116.404, 39.915);
        // re-encoded it misses the input by ~6 cm, ours must hit it within a millimetre.
        var oneStep = (Lon: 116.39775550083061, Lat: 39.91359571849836);
        var exact = ChinaCoordinates.Gcj02ToWgs84(116.404, 39.915);
        var (oLon, oLat) = ChinaCoordinates.Wgs84ToGcj02(oneStep.Lon, oneStep.Lat);
        var (eLon, eLat) = ChinaCoordinates.Wgs84ToGcj02(exact.Lon, exact.Lat);
        Assert.InRange(Geodesy.Distance(116.404, 39.915, oLon, oLat), 0.03, 1);
        Assert.InRange(Geodesy.Distance(116.404, 39.915, eLon, eLat), 0, 0.001);
        Assert.InRange(Geodesy.Distance(oneStep.Lon, oneStep.Lat, exact.Lon, exact.Lat), 0.03, 1);
    }

    [Fact]
    public void Round_trips_across_China_stay_within_a_centimetre()
    {
        double worstGcj = 0, worstBd = 0;
        for (var lon = 73.0; lon <= 135.0; lon += 0.7)
        {
            for (var lat = 18.0; lat <= 53.5; lat += 0.45)
            {
                var g = ChinaCoordinates.Wgs84ToGcj02(lon, lat);
                Assert.InRange(Geodesy.Distance(lon, lat, g.Lon, g.Lat), 1, 1000); // the shift really happens
                var back = ChinaCoordinates.Gcj02ToWgs84(g.Lon, g.Lat);
                worstGcj = Math.Max(worstGcj, Geodesy.Distance(lon, lat, back.Lon, back.Lat));

                var b = ChinaCoordinates.Wgs84ToBd09(lon, lat);
                var backBd = ChinaCoordinates.Bd09ToWgs84(b.Lon, b.Lat);
                worstBd = Math.Max(worstBd, Geodesy.Distance(lon, lat, backBd.Lon, backBd.Lat));
            }
        }

        Assert.InRange(worstGcj, 0, 0.01);
        Assert.InRange(worstBd, 0, 0.01);
    }

    [Theory]
    [InlineData(183, 45)] // gcoord's own "not in China" case
    [InlineData(2.3522, 48.8566)] // Paris
    [InlineData(-74.006, 40.7128)] // New York
    [InlineData(151.2093, -33.8688)] // Sydney
    [InlineData(100.5, 0.5)] // south of the rectangle
    [InlineData(140.0, 40.0)] // east of the rectangle
    public void Outside_China_every_conversion_is_identity(double lon, double lat)
    {
        Assert.False(ChinaCoordinates.IsInsideChina(lon, lat));
        Assert.Equal((lon, lat), ChinaCoordinates.Wgs84ToGcj02(lon, lat));
        Assert.Equal((lon, lat), ChinaCoordinates.Gcj02ToWgs84(lon, lat));
        Assert.Equal((lon, lat), ChinaCoordinates.Gcj02ToBd09(lon, lat));
        Assert.Equal((lon, lat), ChinaCoordinates.Bd09ToGcj02(lon, lat));
        Assert.Equal((lon, lat), ChinaCoordinates.Wgs84ToBd09(lon, lat));
        Assert.Equal((lon, lat), ChinaCoordinates.Bd09ToWgs84(lon, lat));
    }

    [Theory]
    [InlineData(112.55, 37.87, true)] // Taiyuan
    [InlineData(87.6, 43.8, true)] // Urumqi
    [InlineData(72.0, 40.0, false)]
    [InlineData(137.9, 40.0, false)]
    [InlineData(100.0, 0.8, false)]
    [InlineData(120.0, 55.9, false)]
    public void IsInsideChina_uses_the_gcj_rectangle(double lon, double lat, bool expected) =>
        Assert.Equal(expected, ChinaCoordinates.IsInsideChina(lon, lat));
}
