using Accessibility.Api.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Accessibility.Api.Tests.Geo;

public class CoordinateConverterTests
{
    private static readonly WKTReader Reader = new();

    [Theory]
    [InlineData(InputCrs.WGS84)]
    [InlineData(InputCrs.CGCS2000)]
    public void Wgs84_and_Cgcs2000_are_stored_unchanged(InputCrs crs)
    {
        var input = Reader.Read("LINESTRING (112.55 37.87, 112.56 37.88)");
        var result = CoordinateConverter.ToCgcs2000(input, crs);
        Assert.Equal(4490, result.SRID);
        Assert.True(input.EqualsExact(result));
    }

    [Fact]
    public void Gcj02_polygon_is_converted_vertex_by_vertex_and_input_untouched()
    {
        // googollee/eviltransform published pairs: GCJ Shanghai/Shenzhen/Beijing back to WGS.
        var input = Reader.Read(
            "POLYGON ((121.531541859215 31.17530398364597, 113.9171764808363 22.540796131694766, "
            + "116.38404722455657 39.91334545536069, 121.531541859215 31.17530398364597))");
        input.SRID = 4326;
        var before = input.Copy();

        var result = CoordinateConverter.ToCgcs2000(input, InputCrs.GCJ02);

        Assert.Equal(4490, result.SRID);
        Assert.True(before.EqualsExact(input));
        var c = result.Coordinates;
        Assert.InRange(Geodesy.Distance(121.5272106, 31.1774276, c[0].X, c[0].Y), 0, 0.01);
        Assert.InRange(Geodesy.Distance(113.912316, 22.543847, c[1].X, c[1].Y), 0, 0.01);
        Assert.InRange(Geodesy.Distance(116.377817, 39.911954, c[2].X, c[2].Y), 0, 0.01);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Bd09_point_keeps_z_and_collections_get_srid_everywhere()
    {
        var input = Reader.Read("GEOMETRYCOLLECTION (POINT Z (123 45 7), POINT (2.35 48.85))");
        var result = (GeometryCollection)CoordinateConverter.ToCgcs2000(input, InputCrs.BD09);

        var p = (Point)result.GetGeometryN(0);
        // hujiulong/gcoord test/unit/crs/BD09.spec.ts: BD09 -> WGS84 [123, 45] (its approximate inverse).
        Assert.Equal(122.98762210, p.X, 3e-6);
        Assert.Equal(44.99171540, p.Y, 3e-6);
        Assert.Equal(7, p.Coordinate.Z);
        Assert.Equal(4490, p.SRID);
        Assert.Equal(new Coordinate(2.35, 48.85), result.GetGeometryN(1).Coordinate); // Paris: identity
    }

    [Fact]
    public void Coordinate_overload_converts_a_copy()
    {
        var input = new Coordinate(116.38404722455657, 39.91334545536069);
        var result = CoordinateConverter.ToCgcs2000(input, InputCrs.GCJ02);
        Assert.Equal(116.38404722455657, input.X);
        Assert.InRange(Geodesy.Distance(116.377817, 39.911954, result.X, result.Y), 0, 0.01);
    }

    [Theory]
    [InlineData(12_500_000.0, 4_000_000.0)] // projected metres
    [InlineData(112.0, 95.0)]
    [InlineData(double.NaN, 30.0)]
    public void Non_geographic_coordinates_are_refused(double x, double y) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CoordinateConverter.ToCgcs2000(new Coordinate(x, y), InputCrs.WGS84));
}
