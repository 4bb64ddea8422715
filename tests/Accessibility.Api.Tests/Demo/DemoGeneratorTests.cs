using System.Globalization;
using System.Text;
using Accessibility.Api.Features.Demo;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Tests.Facilities;
using NetTopologySuite.Geometries;
using Xunit;

namespace Accessibility.Api.Tests.Demo;

public class DemoGeneratorTests
{
    private static readonly FacilityKindCatalog Catalog = new(FacilityKindCatalogTests.CatalogPath());
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), DemoGenerator.Srid);

    // Yongji-like: about 30 km across around 110.45 E, 34.87 N, with a notch so that the shape is concave.
    private static readonly MultiPolygon Yongji = Polygon(110.45, 34.87,
        (-15, -9), (-3, -14), (12, -11), (16, -2), (6, 1), (14, 9), (4, 15), (-9, 13), (-16, 4));

    private static readonly (string Code, string Name)[] YongjiTownships =
    [
        ("140881001", "城西街道"), ("140881002", "城北街道"), ("140881003", "城东街道"),
        ("140881100", "虞乡镇"), ("140881101", "卿头镇"), ("140881102", "开张镇"), ("140881103", "栲栳镇"),
        ("140881104", "蒲州镇"), ("140881105", "韩阳镇"), ("140881106", "张营镇"),
    ];

    private static readonly DemoDistrict FullDistrict = new("140881", "永济市", Yongji, YongjiTownships, DemoDensity.Full);

    // A small (4 km × 3 km) urban district, where the town grid must shrink to fit.
    private static readonly DemoDistrict SmallDistrict = new("140802", "盐湖区", Polygon(111.0, 35.03, (-2, -1.5), (2, -1.5), (2, 1.5), (-2, 1.5)),
        [("140802001", "解州镇")], DemoDensity.Full);

    private static readonly DemoData Full = DemoGenerator.Generate([FullDistrict], Catalog, 42);

    /// <summary>A polygon from km offsets around a centre.</summary>
    private static MultiPolygon Polygon(double lon, double lat, params (double X, double Y)[] km)
    {
        var perKmLon = 1 / (111.32 * Math.Cos(lat * Math.PI / 180));
        var ring = km.Append(km[0]).Select(p => new Coordinate(lon + (p.X * perKmLon), lat + (p.Y / 110.574))).ToArray();
        return Factory.CreateMultiPolygon([Factory.CreatePolygon(ring)]);
    }

    private static string Serialize(DemoData data)
    {
        var text = new StringBuilder();
        foreach (var f in data.Facilities)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{f.ExternalId}|{f.Kind}|{f.Name}|{f.Geometry.AsText()}|{f.Geometry.SRID}|{f.Attributes.ToJsonString()}|{f.Status}|{f.ManagingUnit}|{f.DistrictCode}");
        }

        foreach (var r in data.Roads)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.ExternalId}|{r.Name}|{r.RoadClass}|{r.Geometry.AsText()}|{r.SidewalkWidthM:R}|{r.CurbRampStart}|{r.CurbRampEnd}|{r.TactilePaving}|{r.Surface}|{r.DistrictCode}");
        }

        return text.ToString();
    }

    [Fact]
    public void Full_density_makes_every_kind_and_a_few_hundred_facilities()
    {
        var kinds = Full.Facilities.Select(f => f.Kind).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(Catalog.Kinds.Select(k => k.Code).Order(StringComparer.Ordinal), kinds);
        Assert.InRange(Full.Facilities.Count, 200, 900);
        Assert.InRange(Full.Roads.Count, 100, 600);
    }

    [Fact]
    public void Light_density_makes_about_twenty_facilities_of_every_kind()
    {
        var light = DemoGenerator.Generate([FullDistrict with { Density = DemoDensity.Light }], Catalog, 42);
        Assert.InRange(light.Facilities.Count, 13, 30);
        Assert.Equal(Catalog.Kinds.Count, light.Facilities.Select(f => f.Kind).Distinct().Count());
    }

    [Fact]
    public void Every_geometry_lies_inside_its_district()
    {
        var data = DemoGenerator.Generate([FullDistrict, SmallDistrict, SmallDistrict with { Code = "140802x", Density = DemoDensity.Light }], Catalog, 7);
        var boundaries = new Dictionary<string, MultiPolygon>(StringComparer.Ordinal)
        {
            ["140881"] = Yongji,
            ["140802"] = SmallDistrict.Boundary,
            ["140802x"] = SmallDistrict.Boundary,
        };
        Assert.Contains(data.Facilities, f => f.DistrictCode == "140802");
        foreach (var f in data.Facilities)
        {
            Assert.True(boundaries[f.DistrictCode].Contains(f.Geometry), $"{f.ExternalId} {f.Name} {f.Geometry.AsText()} is outside {f.DistrictCode}");
            Assert.Equal(4490, f.Geometry.SRID);
        }

        foreach (var r in data.Roads)
        {
            Assert.True(boundaries[r.DistrictCode].Contains(r.Geometry), $"{r.ExternalId} {r.Name} is outside {r.DistrictCode}");
            Assert.Equal(4490, r.Geometry.SRID);
        }
    }

    [Fact]
    public void Demo_records_take_effect_over_2021_to_2026_more_of_them_later()
    {
        var dates = Enumerable.Range(1, 600).Select(n => DemoGenerator.EffectiveDate("demo-140881-" + n)).ToList();
        Assert.Equal(dates, Enumerable.Range(1, 600).Select(n => DemoGenerator.EffectiveDate("demo-140881-" + n)));
        Assert.All(dates, d => Assert.True(d >= new DateOnly(2021, 1, 1) && d <= new DateOnly(2026, 4, 1) && d.Day == 1 && d.Month % 3 == 1, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        var perYear = Enumerable.Range(2021, 6).Select(y => dates.Count(d => d.Year == y)).ToList();
        // Every year has some, and the registry grows faster later (the last year has two quarters only).
        Assert.All(perYear, n => Assert.True(n > 10, string.Join(", ", perYear)));
        Assert.True(perYear[0] < perYear[1] && perYear[1] < perYear[2] && perYear[2] < perYear[3] && perYear[3] < perYear[4], string.Join(", ", perYear));
    }

    [Fact]
    public void The_same_seed_gives_identical_output_and_another_seed_does_not()
    {
        var again = DemoGenerator.Generate([FullDistrict], Catalog, 42);
        Assert.Equal(Serialize(Full), Serialize(again));
        Assert.NotEqual(Serialize(Full), Serialize(DemoGenerator.Generate([FullDistrict], Catalog, 43)));
    }

    [Fact]
    public void Adding_a_district_does_not_change_the_others()
    {
        var both = DemoGenerator.Generate([SmallDistrict, FullDistrict], Catalog, 42);
        var yongji = new DemoData(
            both.Facilities.Where(f => f.DistrictCode == "140881").ToList(),
            both.Roads.Where(r => r.DistrictCode == "140881").ToList());
        Assert.Equal(Serialize(Full), Serialize(yongji));
    }

    [Fact]
    public void Every_generated_facility_validates_against_the_catalog()
    {
        foreach (var f in Full.Facilities)
        {
            var errors = Catalog.Validate(f.Kind, f.Attributes);
            Assert.True(errors.Count == 0, $"{f.ExternalId} {f.Name}: {string.Join("; ", errors.SelectMany(e => e.Value))}");
            Assert.True(Catalog.TryGet(f.Kind, out var kind));
            Assert.Empty(FacilityKindCatalog.ValidateGeometryType(kind, f.Geometry.GeometryType));
            Assert.True(Catalog.IsStatus(f.Status), f.Status);
            Assert.False(string.IsNullOrWhiteSpace(f.ManagingUnit));
        }

        foreach (var r in Full.Roads)
        {
            Assert.True(Catalog.IsRoadClass(r.RoadClass), r.RoadClass);
            Assert.Contains(r.TactilePaving, new[] { "none", "partial", "continuous" });
            Assert.True(r.SidewalkWidthM is null or (> 0 and < 10));
        }
    }

    [Fact]
    public void Measurements_mix_compliant_and_non_compliant_and_statuses_are_mostly_operational()
    {
        var ramps = Full.Facilities.Where(f => f.Kind == "ramp").Select(f => (double)f.Attributes["slope"]!).ToList();
        Assert.Contains(ramps, s => s <= 1 / 12.0 + 0.0005);
        Assert.Contains(ramps, s => s >= 0.1); // 1:10 and steeper

        var operational = Full.Facilities.Count(f => f.Status == "operational");
        Assert.InRange(operational, Full.Facilities.Count / 2, Full.Facilities.Count - 10);
        Assert.Contains(Full.Facilities, f => f.Status == "unusable");
    }

    [Fact]
    public void Names_are_plausible_and_ids_stable_and_unique()
    {
        Assert.Contains(Full.Facilities, f => f.Name == "永济市人民医院" && f.Kind == "public_building");
        Assert.Contains(Full.Facilities, f => f.Kind == "disability_service" && f.Name.EndsWith("残疾人之家", StringComparison.Ordinal));
        Assert.Contains(Full.Facilities, f => f.Kind == "curb_ramp" && f.Name.Contains("交叉口", StringComparison.Ordinal));
        Assert.Contains(Full.Roads, r => r.Name == "永济至虞乡公路");
        Assert.Equal("demo-140881-1", Full.Facilities[0].ExternalId);
        Assert.All(Full.Facilities, f => Assert.StartsWith("demo-140881-", f.ExternalId, StringComparison.Ordinal));
        var ids = Full.Facilities.Select(f => f.ExternalId).Concat(Full.Roads.Select(r => r.ExternalId)).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
