using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;
using nietras.SeparatedValues;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Exports;

/// <summary>
/// The Shapefile export writes a facility's attributes as typed DBF columns named in a mapping file, and a value that
/// a DBF field cannot hold whole (over 254 bytes) goes to the overflow table instead of being cut.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ShapefileAttributesTests(RegistryFixture registry) : IAsyncLifetime
{
    // 20 characters of 3 UTF-8 bytes and 2 of 1, five times: 110 characters, 310 bytes (a DBF text field holds 254).
    private static readonly string LongHours = string.Concat(Enumerable.Repeat("周一至周五八点至十八点，周末九点至十七点。；", 5));
    private static readonly string LongName = string.Concat(Enumerable.Repeat("永济市人民政府办公楼东侧无障碍出入口", 6));

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await Ogc.OgcTestData.SeedAsync(registry, 26, roads: 1);
        // 1: accessible toilet, 4: accessible entrance, 6: tactile paving, 7: accessible parking (OgcTestData.Kinds in turn).
        await registry.ScalarAsync<int>("UPDATE facilities SET attributes = $1::jsonb WHERE id = 1",
            $$"""{"door_width_mm": 900, "grab_bars": true, "room_width_m": 1.85, "opening_hours": "{{LongHours}}"}""");
        await registry.ScalarAsync<int>("UPDATE facilities SET name = $1, attributes = '{\"door_width_mm\": 1000, \"threshold_height_mm\": 15, \"entrance_type\": \"level\"}'::jsonb WHERE id = 4", LongName);
        await registry.ScalarAsync<int>("UPDATE facilities SET attributes = '{\"width_m\": 0.6, \"continuous\": false}'::jsonb WHERE id = 6");
        await registry.ScalarAsync<int>("UPDATE facilities SET attributes = '{\"spaces\": 2, \"stall_width_m\": 3.5}'::jsonb WHERE id = 7");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Attributes_are_typed_columns_named_in_a_mapping_file_and_long_values_go_whole_to_the_overflow_table()
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync(Url("/api/v1/exports/facilities.zip"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dir = Directory.CreateTempSubdirectory("export-attributes-");
        try
        {
            using (var zip = new MemoryStream(await response.Content.ReadAsByteArrayAsync()))
            {
                ZipFile.ExtractToDirectory(zip, dir.FullName);
            }

            var fields = ReadCsv(Path.Combine(dir.FullName, "facilities_fields.csv"));
            var overflow = ReadCsv(Path.Combine(dir.FullName, "facilities_overflow.csv"));
            var options = new ShapefileReaderOptions { Encoding = Encoding.UTF8 };
            var points = Shapefile.ReadAllFeatures(Path.Combine(dir.FullName, "facilities_point.shp"), options);
            var lines = Shapefile.ReadAllFeatures(Path.Combine(dir.FullName, "facilities_line.shp"), options);

            // Every DBF column of both files is in the mapping, with a name of at most 10 characters, unique per file.
            foreach (var (file, features) in new[] { ("facilities_point", points), ("facilities_line", lines) })
            {
                var names = features[0].Attributes.GetNames();
                var mapped = fields.Where(f => f["file"] == file).Select(f => f["column"]).Distinct().ToArray();
                Assert.Equal(names.Order(StringComparer.Ordinal), mapped.Order(StringComparer.Ordinal));
                Assert.All(names, n => Assert.InRange(n.Length, 1, 10));
            }

            Assert.DoesNotContain(fields, f => f["column"] == "attrs");
            string Column(string file, string kind, string attribute)
            {
                var row = Assert.Single(fields, f => f["file"] == file && f["kind"] == kind && f["field"] == "attributes." + attribute);
                return row["column"];
            }

            var toilet = Feature(points, 1);
            Assert.Equal(900L, System.Convert.ToInt64(toilet.Attributes[Column("facilities_point", "accessible_toilet", "door_width_mm")], CultureInfo.InvariantCulture));
            Assert.Equal(true, toilet.Attributes[Column("facilities_point", "accessible_toilet", "grab_bars")]);
            Assert.Equal(1.85, System.Convert.ToDouble(toilet.Attributes[Column("facilities_point", "accessible_toilet", "room_width_m")], CultureInfo.InvariantCulture), 6);
            var unit = Assert.Single(fields, f => f["kind"] == "accessible_toilet" && f["field"] == "attributes.room_width_m");
            Assert.Equal(("number", "m"), (unit["type"], unit["unit"]));

            // Too long for a DBF field: the cell is empty, the whole value is in the overflow table.
            var hours = toilet.Attributes[Column("facilities_point", "accessible_toilet", "opening_hours")] as string;
            Assert.True(string.IsNullOrEmpty(hours), "expected an empty cell, not a cut value: " + hours);
            var whole = Assert.Single(overflow, o => o["id"] == "1" && o["field"] == "attributes.opening_hours");
            Assert.Equal(LongHours, whole["value"]);

            var entrance = Feature(points, 4);
            Assert.Equal(1000L, System.Convert.ToInt64(entrance.Attributes[Column("facilities_point", "accessible_entrance", "door_width_mm")], CultureInfo.InvariantCulture));
            Assert.Equal(15L, System.Convert.ToInt64(entrance.Attributes[Column("facilities_point", "accessible_entrance", "threshold_height_mm")], CultureInfo.InvariantCulture));
            Assert.Equal("level", entrance.Attributes[Column("facilities_point", "accessible_entrance", "entrance_type")]);
            Assert.True(string.IsNullOrEmpty(entrance.Attributes["name"] as string));
            Assert.Equal(LongName, Assert.Single(overflow, o => o["id"] == "4" && o["field"] == "name")["value"]);

            var parking = Feature(points, 7);
            Assert.Equal(2L, System.Convert.ToInt64(parking.Attributes[Column("facilities_point", "accessible_parking", "spaces")], CultureInfo.InvariantCulture));
            var paving = Feature(lines, 6);
            Assert.Equal(false, paving.Attributes[Column("facilities_line", "tactile_paving", "continuous")]);
            Assert.Equal(0.6, System.Convert.ToDouble(paving.Attributes[Column("facilities_line", "tactile_paving", "width_m")], CultureInfo.InvariantCulture), 6);

            // Nothing else overflowed, and no text value in any DBF is longer than a DBF field holds.
            Assert.Equal(2, overflow.Count);
            Assert.All(points.Concat(lines).SelectMany(f => f.Attributes.GetValues()).OfType<string>(), v => Assert.InRange(Encoding.UTF8.GetByteCount(v), 0, 254));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static IFeature Feature(IFeature[] features, long id) =>
        Assert.Single(features, f => System.Convert.ToInt64(f.Attributes["id"], CultureInfo.InvariantCulture) == id);

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        Assert.True(File.Exists(path), "missing " + Path.GetFileName(path));
        var rows = new List<Dictionary<string, string>>();
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(path);
        var header = reader.Header.ColNames;
        foreach (var row in reader)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in header)
            {
                values[name] = row[name].ToString();
            }

            rows.Add(values);
        }

        return rows;
    }
}
