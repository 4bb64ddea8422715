using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Districts;

/// <summary>Why one feature of a boundary file could not be taken.</summary>
public enum BoundaryErrorKind
{
    /// <summary>The code property is absent, null or blank.</summary>
    MissingCode,

    /// <summary>The same code appears on more than one feature.</summary>
    DuplicateCode,

    /// <summary>The geometry is absent or not a Polygon / MultiPolygon.</summary>
    NotPolygon,

    /// <summary>The coordinates are not arrays of numbers as GeoJSON requires, or a ring is not closed.</summary>
    Malformed,

    /// <summary>A coordinate is NaN, infinite or not a number.</summary>
    NonFiniteCoordinate,

    /// <summary>A coordinate lies outside longitude −180…180 / latitude −90…90.</summary>
    OutOfRange,

    /// <summary>The geometry has no area (no rings, or rings with fewer than 4 distinct positions).</summary>
    Empty,
}

/// <summary>A boundary taken from one feature.</summary>
/// <param name="FeatureIndex">Zero-based index of the feature in the collection.</param>
/// <param name="Code">Value of the code property (numbers are kept as written).</param>
/// <param name="Name">Value of the name property, null where absent.</param>
/// <param name="Boundary">The boundary, SRID 4490, lon/lat.</param>
public sealed record BoundaryFeature(int FeatureIndex, string Code, string? Name, MultiPolygon Boundary);

/// <summary>A feature that was not taken, and why.</summary>
/// <param name="FeatureIndex">Zero-based index of the feature in the collection.</param>
/// <param name="Code">The feature's code where it has one.</param>
/// <param name="Kind">The kind of fault.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record BoundaryFeatureError(int FeatureIndex, string? Code, BoundaryErrorKind Kind, string Message);

/// <summary>Outcome of parsing a boundary file: the caller decides whether any error rejects the whole file.</summary>
public sealed record BoundaryParseResult(IReadOnlyList<BoundaryFeature> Features, IReadOnlyList<BoundaryFeatureError> Errors);

/// <summary>Reads district boundaries (any level) from a GeoJSON FeatureCollection.</summary>
/// <remarks>
/// Coordinates are taken as lon/lat in CGCS2000 (EPSG:4490), which agrees with WGS84 to well under a metre;
/// data in GCJ-02 or another datum must be converted before (or via <c>transform</c>).
/// Validity, the parent and the siblings are judged afterwards by <see cref="BoundaryChecks"/> (one implementation, in
/// PostGIS); invalid polygons are reported there, never repaired: repairing silently could move a border.
/// </remarks>
public static class BoundaryGeoJson
{
    /// <summary>SRID given to every geometry returned.</summary>
    public const int Srid = 4490;

    /// <summary>Parses a FeatureCollection.</summary>
    /// <param name="geoJson">UTF-8 GeoJSON.</param>
    /// <param name="codeProperty">Property holding the division code, e.g. "code".</param>
    /// <param name="nameProperty">Property holding the name, e.g. "name".</param>
    /// <param name="transform">Optional coordinate conversion applied to each position (e.g. GCJ-02 → WGS84).</param>
    /// <exception cref="InvalidDataException">The stream is not JSON or not a FeatureCollection.</exception>
    public static BoundaryParseResult Parse(
        Stream geoJson,
        string codeProperty,
        string nameProperty,
        Func<double, double, (double Lon, double Lat)>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(geoJson);
        ArgumentException.ThrowIfNullOrWhiteSpace(codeProperty);
        ArgumentException.ThrowIfNullOrWhiteSpace(nameProperty);

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(geoJson, new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not valid JSON: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            // NUL, control characters and lone surrogates anywhere in the file: refused as a whole, naming where.
            var textErrors = new Infrastructure.FieldErrors();
            Infrastructure.InputText.Check(root, "$", textErrors);
            if (!textErrors.IsEmpty)
            {
                var (at, messages) = textErrors.ToDictionary().First();
                throw new InvalidDataException($"Not acceptable text at {at}: {messages[0]}");
            }
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type)
                || type.ValueKind != JsonValueKind.String
                || !string.Equals(type.GetString(), "FeatureCollection", StringComparison.Ordinal)
                || !root.TryGetProperty("features", out var features)
                || features.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("Not a GeoJSON FeatureCollection with a \"features\" array.");
            }

            var factory = GeoJsonPolygons.Factory;
            var ok = new List<BoundaryFeature>();
            var errors = new List<BoundaryFeatureError>();
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            int index = -1;
            foreach (var feature in features.EnumerateArray())
            {
                index++;
                if (feature.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new(index, null, BoundaryErrorKind.Malformed, "Feature is not a JSON object."));
                    continue;
                }

                feature.TryGetProperty("properties", out var props);
                string? code = ReadScalar(props, codeProperty);
                string? name = ReadScalar(props, nameProperty);
                if (string.IsNullOrWhiteSpace(code))
                {
                    errors.Add(new(index, null, BoundaryErrorKind.MissingCode, $"Property \"{codeProperty}\" is missing or blank."));
                    continue;
                }

                code = code.Trim();
                if (seen.TryGetValue(code, out int first))
                {
                    errors.Add(new(index, code, BoundaryErrorKind.DuplicateCode, $"Code {code} already used by feature {first.ToString(CultureInfo.InvariantCulture)}."));
                    continue;
                }

                seen.Add(code, index);
                if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new(index, code, BoundaryErrorKind.NotPolygon, "Feature has no geometry."));
                    continue;
                }

                var read = GeoJsonPolygons.Read(geometry, transform, closeOpenRings: false);
                if (read.Error is { } fault)
                {
                    errors.Add(new(index, code, fault.Kind, fault.Message));
                    continue;
                }

                var mp = factory.CreateMultiPolygon([.. read.Polygons]);
                ok.Add(new BoundaryFeature(index, code, name, mp));
            }

            return new BoundaryParseResult(ok, errors);
        }
    }

    private static string? ReadScalar(JsonElement props, string property)
    {
        if (props.ValueKind != JsonValueKind.Object || !props.TryGetProperty(property, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
    }
}

/// <summary>Reads GeoJSON Polygon / MultiPolygon coordinates into NTS polygons (shared by the importer and the catalogue).</summary>
internal static class GeoJsonPolygons
{
    internal static readonly GeometryFactory Factory = new(new PrecisionModel(), BoundaryGeoJson.Srid);

    internal readonly record struct Fault(BoundaryErrorKind Kind, string Message);

    internal sealed record Result(IReadOnlyList<Polygon> Polygons, Fault? Error, int DroppedRings);

    /// <param name="geometry">The GeoJSON geometry object.</param>
    /// <param name="transform">Optional per-position conversion.</param>
    /// <param name="closeOpenRings">Lenient mode for bundled data: close unclosed rings and drop degenerate ones instead of failing.</param>
    internal static Result Read(JsonElement geometry, Func<double, double, (double Lon, double Lat)>? transform, bool closeOpenRings)
    {
        string type = geometry.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() ?? string.Empty : string.Empty;
        if (!geometry.TryGetProperty("coordinates", out var coords) || coords.ValueKind != JsonValueKind.Array)
        {
            return type is "Polygon" or "MultiPolygon"
                ? Failed(BoundaryErrorKind.Malformed, $"{type} has no \"coordinates\" array.")
                : Failed(BoundaryErrorKind.NotPolygon, $"Geometry type \"{type}\" is not Polygon or MultiPolygon.");
        }

        var polygonArrays = new List<JsonElement>();
        switch (type)
        {
            case "Polygon":
                polygonArrays.Add(coords);
                break;
            case "MultiPolygon":
                polygonArrays.AddRange(coords.EnumerateArray());
                break;
            default:
                return Failed(BoundaryErrorKind.NotPolygon, $"Geometry type \"{type}\" is not Polygon or MultiPolygon.");
        }

        var polygons = new List<Polygon>();
        int dropped = 0;
        for (int p = 0; p < polygonArrays.Count; p++)
        {
            var poly = polygonArrays[p];
            if (poly.ValueKind != JsonValueKind.Array)
            {
                return Failed(BoundaryErrorKind.Malformed, $"Polygon {p} is not an array of rings.");
            }

            var rings = new List<LinearRing>();
            int r = 0;
            foreach (var ringJson in poly.EnumerateArray())
            {
                var ring = ReadRing(ringJson, transform, closeOpenRings, p, r, out var fault);
                if (fault is not null)
                {
                    return new Result([], fault, dropped);
                }

                if (ring is null)
                {
                    if (!closeOpenRings)
                    {
                        // Strict (import) mode: a degenerate ring is the sender's error, not ours to drop.
                        return Failed(BoundaryErrorKind.Empty, string.Create(CultureInfo.InvariantCulture, $"polygon {p}, ring {r} has fewer than 4 distinct positions."));
                    }

                    // Lenient mode: a degenerate shell leaves nothing; a degenerate hole can be dropped.
                    if (r == 0)
                    {
                        rings.Clear();
                        break;
                    }

                    dropped++;
                }
                else
                {
                    rings.Add(ring);
                }

                r++;
            }

            if (rings.Count == 0)
            {
                dropped++;
                continue;
            }

            polygons.Add(Factory.CreatePolygon(rings[0], [.. rings.Skip(1)]));
        }

        return polygons.Count == 0
            ? Failed(BoundaryErrorKind.Empty, "Geometry has no ring with at least 4 distinct positions.")
            : new Result(polygons, null, dropped);
    }

    private static LinearRing? ReadRing(
        JsonElement ringJson,
        Func<double, double, (double Lon, double Lat)>? transform,
        bool closeOpenRings,
        int polygon,
        int ring,
        out Fault? fault)
    {
        fault = null;
        string where = string.Create(CultureInfo.InvariantCulture, $"polygon {polygon}, ring {ring}");
        if (ringJson.ValueKind != JsonValueKind.Array)
        {
            fault = new(BoundaryErrorKind.Malformed, $"{where} is not an array of positions.");
            return null;
        }

        var pts = new List<Coordinate>(ringJson.GetArrayLength());
        int i = 0;
        foreach (var pos in ringJson.EnumerateArray())
        {
            if (pos.ValueKind != JsonValueKind.Array || pos.GetArrayLength() < 2)
            {
                fault = new(BoundaryErrorKind.Malformed, string.Create(CultureInfo.InvariantCulture, $"{where}, position {i} is not [lon, lat]."));
                return null;
            }

            if (!TryFinite(pos[0], out double lon) || !TryFinite(pos[1], out double lat))
            {
                fault = new(BoundaryErrorKind.NonFiniteCoordinate, string.Create(CultureInfo.InvariantCulture, $"{where}, position {i} is NaN, infinite or not a number."));
                return null;
            }

            if (lon is < -180 or > 180 || lat is < -90 or > 90)
            {
                fault = new(BoundaryErrorKind.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"{where}, position {i} ({lon}, {lat}) is outside lon/lat range."));
                return null;
            }

            if (transform is not null)
            {
                (lon, lat) = transform(lon, lat);
            }

            var c = new Coordinate(lon, lat);
            if (pts.Count == 0 || !pts[^1].Equals2D(c))
            {
                // Quantized sources repeat positions; repeats carry no shape.
                pts.Add(c);
            }

            i++;
        }

        if (pts.Count > 0 && !pts[0].Equals2D(pts[^1]))
        {
            if (!closeOpenRings)
            {
                fault = new(BoundaryErrorKind.Malformed, $"{where} is not closed (first and last positions differ).");
                return null;
            }

            pts.Add(pts[0].Copy());
        }

        return pts.Count < 4 ? null : Factory.CreateLinearRing([.. pts]);
    }

    private static bool TryFinite(JsonElement e, out double value)
    {
        value = double.NaN;
        return e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out value) && double.IsFinite(value);
    }

    private static Result Failed(BoundaryErrorKind kind, string message) => new([], new Fault(kind, message), 0);
}
