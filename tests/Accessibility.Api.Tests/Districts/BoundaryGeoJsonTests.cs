using System.Text;
using Accessibility.Api.Features.Districts;
using Xunit;

namespace Accessibility.Api.Tests.Districts;

public sealed class BoundaryGeoJsonTests
{
    private const string Square = "[[[110.40,34.80],[110.50,34.80],[110.50,34.90],[110.40,34.90],[110.40,34.80]]]";

    private static BoundaryParseResult Parse(params string[] features)
    {
        string json = "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", features) + "]}";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return BoundaryGeoJson.Parse(stream, "code", "name");
    }

    private static string Feature(string properties, string geometry) =>
        "{\"type\":\"Feature\",\"properties\":" + properties + ",\"geometry\":" + geometry + "}";

    [Fact]
    public void Valid_polygon_and_multipolygon_are_read_in_4490()
    {
        var r = Parse(
            Feature("{\"code\":\"140881001\",\"name\":\"城西街道\"}", "{\"type\":\"Polygon\",\"coordinates\":" + Square + "}"),
            Feature("{\"code\":140881106,\"name\":\"张营镇\"}", "{\"type\":\"MultiPolygon\",\"coordinates\":[" + Square.Replace("110.4", "110.6", StringComparison.Ordinal).Replace("110.5", "110.7", StringComparison.Ordinal) + "]}"));

        Assert.Empty(r.Errors);
        Assert.Equal(["140881001", "140881106"], r.Features.Select(f => f.Code));
        Assert.Equal("城西街道", r.Features[0].Name);
        Assert.All(r.Features, f => Assert.Equal(4490, f.Boundary.SRID));
        Assert.All(r.Features, f => Assert.True(f.Boundary.IsValid));
        Assert.Equal(0.01, r.Features[0].Boundary.Area, 9);
    }

    [Fact]
    public void Each_fault_is_reported_with_its_feature_index()
    {
        var r = Parse(
            Feature("{\"name\":\"no code\"}", "{\"type\":\"Polygon\",\"coordinates\":" + Square + "}"),
            Feature("{\"code\":\"2\"}", "{\"type\":\"Point\",\"coordinates\":[110.4,34.8]}"),
            Feature("{\"code\":\"3\"}", "{\"type\":\"Polygon\",\"coordinates\":[[[110.4,34.8],[\"NaN\",34.8],[110.5,34.9],[110.4,34.8]]]}"),
            Feature("{\"code\":\"4\"}", "{\"type\":\"Polygon\",\"coordinates\":[[[110.4,34.8],[110.5,34.9],[110.5,34.8],[110.4,34.9],[110.4,34.8]]]}"),
            Feature("{\"code\":\"5\"}", "{\"type\":\"Polygon\",\"coordinates\":[]}"),
            Feature("{\"code\":\"6\"}", "{\"type\":\"Polygon\",\"coordinates\":[[[110.4,34.8],[110.5,34.8],[110.5,34.9],[110.4,34.9]]]}"),
            Feature("{\"code\":\"7\"}", "{\"type\":\"Polygon\",\"coordinates\":[[[110.4,34.8],[210.5,34.8],[110.5,34.9],[110.4,34.8]]]}"),
            Feature("{\"code\":\"8\"}", "null"),
            Feature("{\"code\":\"9\"}", "{\"type\":\"Polygon\",\"coordinates\":" + Square + "}"),
            Feature("{\"code\":\"9\"}", "{\"type\":\"Polygon\",\"coordinates\":" + Square + "}"),
            Feature("{\"code\":\"11\"}", "{\"type\":\"Polygon\",\"coordinates\":[[[110.4,34.8],[110.5,34.8],[110.4,34.8],[110.4,34.8]]]}"));

        // Validity is judged by BoundaryChecks (PostGIS), not by the reader: the bowtie (4) is read.
        Assert.Equal(["4", "9"], r.Features.Select(f => f.Code));
        Assert.Equal(
            [
                (0, BoundaryErrorKind.MissingCode),
                (1, BoundaryErrorKind.NotPolygon),
                (2, BoundaryErrorKind.NonFiniteCoordinate),
                (4, BoundaryErrorKind.Empty),
                (5, BoundaryErrorKind.Malformed),
                (6, BoundaryErrorKind.OutOfRange),
                (7, BoundaryErrorKind.NotPolygon),
                (9, BoundaryErrorKind.DuplicateCode),
                (10, BoundaryErrorKind.Empty),
            ],
            r.Errors.Select(e => (e.FeatureIndex, e.Kind)));
    }

    [Fact]
    public void Overflowing_number_is_not_finite()
    {
        var r = Parse(Feature("{\"code\":\"1\"}", "{\"type\":\"Polygon\",\"coordinates\":[[[110.4,34.8],[1e999,34.8],[110.5,34.9],[110.4,34.8]]]}"));
        Assert.Equal(BoundaryErrorKind.NonFiniteCoordinate, Assert.Single(r.Errors).Kind);
    }

    [Fact]
    public void Not_a_feature_collection_throws()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("{\"type\":\"Feature\"}"));
        Assert.Throws<InvalidDataException>(() => BoundaryGeoJson.Parse(stream, "code", "name"));
        using var broken = new MemoryStream(Encoding.UTF8.GetBytes("{\"type\":"));
        Assert.Throws<InvalidDataException>(() => BoundaryGeoJson.Parse(broken, "code", "name"));
    }

    [Fact]
    public void Transform_is_applied_to_every_position()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(
            "{\"type\":\"FeatureCollection\",\"features\":[" + Feature("{\"code\":\"1\"}", "{\"type\":\"Polygon\",\"coordinates\":" + Square + "}") + "]}"));
        var r = BoundaryGeoJson.Parse(stream, "code", "name", (lon, lat) => (lon + 1, lat));
        Assert.Equal(111.40, r.Features[0].Boundary.EnvelopeInternal.MinX, 9);
    }
}
