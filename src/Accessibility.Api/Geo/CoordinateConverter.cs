using NetTopologySuite.Geometries;

namespace Accessibility.Api.Geo;

/// <summary>
/// Converts submitted coordinates to the storage CRS, CGCS2000 longitude/latitude (SRID 4490).
/// </summary>
/// <remarks>
/// WGS 84 and CGCS2000 are both ITRF-aligned geocentric datums whose ellipsoids differ by 0.1 mm;
/// what separates them is plate motion since CGCS2000's epoch 2000.0 (a few cm a year), under a
/// metre, below phone-GPS accuracy, so WGS 84 input is stored unchanged, as is usual for
/// non-survey work. GCJ-02 and BD-09 are de-shifted via <see cref="ChinaCoordinates"/>
/// (identity outside China's rough rectangle).
/// </remarks>
public static class CoordinateConverter
{
    /// <summary>SRID of CGCS2000 geographic coordinates.</summary>
    public const int Cgcs2000Srid = 4490;

    /// <summary>
    /// Returns a converted copy of <paramref name="geometry"/> with SRID 4490; the input is not
    /// modified. X is longitude, Y latitude; Z and M are kept.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not a finite longitude/latitude.</exception>
    public static Geometry ToCgcs2000(Geometry geometry, InputCrs crs)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var factory = new GeometryFactory(geometry.PrecisionModel, Cgcs2000Srid, geometry.Factory.CoordinateSequenceFactory);
        var copy = factory.CreateGeometry(geometry);
        copy.Apply(new ConvertFilter(crs));
        copy.GeometryChanged();
        return copy;
    }

    /// <summary>
    /// Returns <paramref name="geometry"/> with X and Y only. Every geometry column of the registry is 2D, and
    /// PostGIS refuses a Z or M ordinate there (22023); a height from a GPS receiver (<c>[110.45, 34.87, 500]</c>)
    /// is accepted and dropped, as RFC 7946 lets a reader ignore elevation.
    /// </summary>
    public static Geometry Flatten(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var factory = new GeometryFactory(geometry.PrecisionModel, geometry.SRID, NetTopologySuite.Geometries.Implementation.CoordinateArraySequenceFactory.Instance);
        var editor = new NetTopologySuite.Geometries.Utilities.GeometryEditor(factory);
        return editor.Edit(geometry, new NetTopologySuite.Geometries.Utilities.GeometryEditor.CoordinateSequenceOperation((sequence, _) =>
        {
            var flat = factory.CoordinateSequenceFactory.Create(sequence.Count, 2, 0);
            for (var i = 0; i < sequence.Count; i++)
            {
                flat.SetX(i, sequence.GetX(i));
                flat.SetY(i, sequence.GetY(i));
            }

            return flat;
        }));
    }

    /// <summary>Returns a converted copy of <paramref name="coordinate"/> (Z/M kept).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a finite longitude/latitude.</exception>
    public static Coordinate ToCgcs2000(Coordinate coordinate, InputCrs crs)
    {
        ArgumentNullException.ThrowIfNull(coordinate);
        var copy = coordinate.Copy();
        (copy.X, copy.Y) = Convert(coordinate.X, coordinate.Y, crs);
        return copy;
    }

    private static (double Lon, double Lat) Convert(double lon, double lat, InputCrs crs)
    {
        // Catches NaN, projected metres and swapped lat/lon beyond ±90 before they are stored.
        if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
        {
            throw new ArgumentOutOfRangeException(nameof(lon), FormattableString.Invariant($"({lon}, {lat}) is not a longitude/latitude in degrees."));
        }

        return crs switch
        {
            InputCrs.WGS84 or InputCrs.CGCS2000 => (lon, lat),
            InputCrs.GCJ02 => ChinaCoordinates.Gcj02ToWgs84(lon, lat),
            InputCrs.BD09 => ChinaCoordinates.Bd09ToWgs84(lon, lat),
            _ => throw new ArgumentOutOfRangeException(nameof(crs), crs, "Unknown input CRS."),
        };
    }

    private sealed class ConvertFilter(InputCrs crs) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (lon, lat) = Convert(seq.GetX(i), seq.GetY(i), crs);
                seq.SetX(i, lon);
                seq.SetY(i, lat);
            }
        }
    }
}
