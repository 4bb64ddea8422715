using Accessibility.Api.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Accessibility.Api.Tests.Geo;

public class GaussKrugerTests
{
    private const double Tolerance = 0.005; // DESIGN.md: within 0.5 % of geodesic truth
    private static readonly WKTReader Reader = new();

    [Theory]
    [InlineData(75.0, 25, 4513)]
    [InlineData(110.4, 37, 4525)] // Shanxi, zone 37 (central meridian 111°E)
    [InlineData(109.49, 36, 4524)] // just west of the 109.5°E zone edge
    [InlineData(109.51, 37, 4525)]
    [InlineData(112.55, 38, 4526)] // Taiyuan
    [InlineData(135.0, 45, 4533)]
    public void Zone_and_epsg(double lon, int zone, int epsg)
    {
        Assert.Equal(zone, GaussKruger.ZoneFor(lon));
        Assert.Equal(epsg, GaussKruger.EpsgFor(lon));
    }

    [Theory]
    [InlineData(10.0)]
    [InlineData(73.0)]
    [InlineData(137.0)]
    [InlineData(double.NaN)]
    public void Longitudes_outside_the_zones_are_refused(double lon) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussKruger.ZoneFor(lon));

    [Theory]
    [InlineData(0.0)]
    [InlineData(35.0)]
    [InlineData(45.0)]
    public void Central_meridian_maps_to_zone_prefix_and_meridian_arc(double lat)
    {
        // On the central meridian (scale 1) easting is exactly the false easting and northing
        // the meridian arc; catches wrong ellipsoid (Krasovsky is ~60 m off at 35°N) or zone.
        var p = (Point)GaussKruger.Project(new Point(111.0, lat));
        Assert.Equal(4525, p.SRID);
        Assert.Equal(37_500_000.0, p.X, 0.001);
        Assert.Equal(Geodesy.MeridianArc(lat), p.Y, 0.01);
    }

    [Fact]
    public void Truth_function_reproduces_Vincentys_published_example()
    {
        // Flinders Peak -> Buninyong on GRS80 (the CGCS2000 ellipsoid): 54 972.271 m,
        // the worked example of Vincenty's inverse published by Geoscience Australia (GDA technical manual).
        var d = Geodesy.Distance(
            144 + (25 / 60.0) + (29.52440 / 3600), -(37 + (57 / 60.0) + (3.72030 / 3600)),
            143 + (55 / 60.0) + (35.38390 / 3600), -(37 + (39 / 60.0) + (10.15610 / 3600)));
        Assert.Equal(54_972.271, d, 0.001);
    }

    [Theory]
    [InlineData(110.40, 36.00, 110.41, 36.005)] // ~1 km, Shanxi
    [InlineData(110.40, 37.00, 110.40, 37.18)] // ~20 km north-south
    [InlineData(110.40, 37.00, 110.90, 37.20)] // ~50 km
    [InlineData(109.30, 35.60, 109.70, 35.70)] // ~38 km across the 109.5°E zone edge
    [InlineData(109.52, 38.00, 109.55, 38.30)] // ~33 km hugging the western edge of zone 37
    public void Line_length_within_half_a_percent_of_geodesic(double lon1, double lat1, double lon2, double lat2)
    {
        var line = new LineString([new(lon1, lat1), new(lon2, lat2)]);
        var truth = Geodesy.Distance(lon1, lat1, lon2, lat2);
        var measured = GaussKruger.LengthMetres(line);
        Assert.InRange(Math.Abs(measured - truth) / truth, 0, Tolerance);
    }

    [Fact]
    public void Polyline_length_is_the_sum_of_its_geodesic_segments()
    {
        var line = (LineString)Reader.Read("LINESTRING (110.40 36.00, 110.45 36.03, 110.52 36.01, 110.60 36.10)");
        var truth = 0.0;
        for (var i = 1; i < line.NumPoints; i++)
        {
            var a = line.GetCoordinateN(i - 1);
            var b = line.GetCoordinateN(i);
            truth += Geodesy.Distance(a.X, a.Y, b.X, b.Y);
        }

        Assert.InRange(Math.Abs(GaussKruger.LengthMetres(line) - truth) / truth, 0, Tolerance);
    }

    [Theory]
    [InlineData(110.4, 36.0)] // Shanxi, 0.6° from the central meridian
    [InlineData(109.5, 35.5)] // west edge of zone 37
    [InlineData(113.9, 39.9)] // 1.1° east of zone 38's meridian
    public void Cell_area_within_half_a_percent_of_the_ellipsoidal_quadrangle(double lon, double lat)
    {
        var cell = Reader.Read(FormattableString.Invariant(
            $"POLYGON (({lon} {lat}, {lon + 0.1} {lat}, {lon + 0.1} {lat + 0.1}, {lon} {lat + 0.1}, {lon} {lat}))"));
        var truth = Geodesy.QuadrangleArea(lon, lat, lon + 0.1, lat + 0.1);
        Assert.InRange(truth, 9.0e7, 1.05e8); // ~95-101 km², guards the truth itself
        Assert.InRange(Math.Abs(GaussKruger.AreaSquareMetres(cell) - truth) / truth, 0, Tolerance);

        var perimeterTruth = Geodesy.Distance(lon, lat, lon + 0.1, lat) + Geodesy.Distance(lon + 0.1, lat, lon + 0.1, lat + 0.1)
            + Geodesy.Distance(lon + 0.1, lat + 0.1, lon, lat + 0.1) + Geodesy.Distance(lon, lat + 0.1, lon, lat);
        Assert.InRange(Math.Abs(GaussKruger.LengthMetres(cell) - perimeterTruth) / perimeterTruth, 0, Tolerance);
    }

    [Fact]
    public void Project_uses_the_centroid_zone_and_leaves_input_untouched()
    {
        var input = Reader.Read("LINESTRING (109.30 35.60, 109.80 35.70)"); // centroid 109.55°E -> zone 37
        input.SRID = 4490;
        var before = input.Copy();
        var projected = GaussKruger.Project(input);
        Assert.Equal(4525, projected.SRID);
        Assert.True(before.EqualsExact(input));
        Assert.All(projected.Coordinates, c => Assert.InRange(c.X, 37_300_000, 37_500_000));
    }

    [Fact]
    public void Empty_geometry_is_refused() =>
        Assert.Throws<ArgumentException>(() => GaussKruger.Project(Reader.Read("POLYGON EMPTY")));

    [Fact]
    public void Parallel_projection_matches_sequential()
    {
        var cells = Enumerable.Range(0, 400)
            .Select(i => Reader.Read(FormattableString.Invariant(
                $"POLYGON (({100 + (i * 0.07)} 30, {100.1 + (i * 0.07)} 30, {100.1 + (i * 0.07)} 30.1, {100 + (i * 0.07)} 30))")))
            .ToArray();
        var sequential = cells.Select(GaussKruger.AreaSquareMetres).ToArray();
        var parallel = new double[cells.Length];
        Parallel.For(0, cells.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            for (var k = 0; k < 20; k++)
            {
                parallel[i] = GaussKruger.AreaSquareMetres(cells[i]);
            }
        });
        Assert.Equal(sequential, parallel);
    }
}
