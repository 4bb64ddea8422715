using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Xunit;

namespace Accessibility.Api.Tests.Facilities;

public class FacilityKindCatalogTests
{
    private static readonly FacilityKindCatalog Catalog = new(CatalogPath());

    /// <summary>data/facility-kinds.json of this repository: walk up from the test binaries to the directory holding Accessibility.sln.</summary>
    internal static string CatalogPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Accessibility.sln")))
            {
                return Path.Combine(dir.FullName, "data", "facility-kinds.json");
            }
        }

        throw new InvalidOperationException("Accessibility.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Has_every_kind_from_the_design_with_its_geometry()
    {
        string[] expected =
        [
            "accessible_toilet", "curb_ramp", "ramp", "accessible_entrance", "elevator", "tactile_paving",
            "accessible_parking", "audible_signal", "crossing_structure", "bus_stop", "disability_service",
            "public_building", "emergency_shelter",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Catalog.Kinds.Select(k => k.Code).Order(StringComparer.Ordinal));
        foreach (var kind in Catalog.Kinds)
        {
            Assert.Equal(kind.Code == "tactile_paving" ? "LineString" : "Point", kind.Geometry);
            Assert.NotEmpty(kind.Attributes);
            Assert.False(string.IsNullOrWhiteSpace(kind.Names.Zh));
        }
    }

    [Fact]
    public void Inspection_intervals_follow_the_kind()
    {
        Assert.True(Catalog.TryGet("accessible_toilet", out var toilet));
        Assert.Equal(3, toilet.InspectionIntervalMonths);
        Assert.True(Catalog.TryGet("curb_ramp", out var curbRamp));
        Assert.Equal(12, curbRamp.InspectionIntervalMonths);
    }

    [Fact]
    public void Lists_statuses_and_road_classes()
    {
        Assert.Equal(["operational", "defective_usable", "unusable", "under_construction", "removed"], Catalog.Statuses.Select(s => s.Code));
        Assert.Equal(["main", "secondary", "branch"], Catalog.RoadClasses.Select(s => s.Code));
        Assert.Equal("主干路", Catalog.RoadClasses[0].Labels.Zh);
    }

    [Fact]
    public void Subtype_enums_hold_the_design_values()
    {
        Assert.True(Catalog.TryGet("public_building", out var building));
        var subtype = building.FindAttribute("subtype");
        Assert.NotNull(subtype);
        Assert.True(subtype.Required);
        Assert.Equal(
            ["government", "hospital", "school", "station", "bank", "post", "shop", "tourist_site", "restaurant", "community_centre"],
            subtype.Values.Select(v => v.Code));

        Assert.True(Catalog.TryGet("disability_service", out var service));
        Assert.Contains(service.FindAttribute("subtype")!.Values, v => v.Code == "home_of_disabled" && v.Labels.Zh == "残疾人之家");
    }

    [Fact]
    public void A_compliant_toilet_is_valid()
    {
        var attributes = new JsonObject
        {
            ["door_width_mm"] = 900,
            ["room_width_m"] = 2.0,
            ["room_depth_m"] = 1.8,
            ["grab_bars"] = true,
            ["opening_hours"] = "全天开放",
            ["door_opens_inward"] = false,
            ["unisex"] = true,
            ["toilet_type"] = "third_toilet",
        };
        Assert.Empty(Catalog.Validate("accessible_toilet", attributes));
    }

    [Fact]
    public void Parsed_json_validates_like_built_nodes()
    {
        var attributes = JsonNode.Parse("""{"slope": 0.083, "width_m": 1, "lip_height_mm": 10, "curb_ramp_type": "three_sided", "tactile_warning": true}""")!.AsObject();
        Assert.Empty(Catalog.Validate("curb_ramp", attributes));
    }

    [Fact]
    public void A_door_width_given_as_text_is_a_type_error()
    {
        var errors = Catalog.Validate("accessible_toilet", new JsonObject { ["door_width_mm"] = "wide" });
        var message = Assert.Single(Assert.Single(errors, e => e.Key == "attributes.door_width_mm").Value);
        Assert.Contains("integer", message, StringComparison.Ordinal);
        Assert.Contains("mm", message, StringComparison.Ordinal);
        Assert.Contains("\"wide\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_door_of_30000_mm_is_out_of_range()
    {
        var errors = Catalog.Validate("accessible_toilet", JsonNode.Parse("""{"door_width_mm": 30000}""")!.AsObject());
        var message = Assert.Single(errors["attributes.door_width_mm"]);
        Assert.Contains("out of range", message, StringComparison.Ordinal);
        Assert.Contains("30000 mm", message, StringComparison.Ordinal);
        Assert.Contains("300 to 4000 mm", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fractional_value_is_not_an_integer()
    {
        var errors = Catalog.Validate("accessible_toilet", new JsonObject { ["door_width_mm"] = 900.5 });
        Assert.Contains("whole number", Assert.Single(errors["attributes.door_width_mm"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_boolean_given_as_text_is_refused()
    {
        var errors = Catalog.Validate("accessible_toilet", new JsonObject { ["grab_bars"] = "yes" });
        Assert.Contains("boolean", Assert.Single(errors["attributes.grab_bars"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_slope_above_one_is_out_of_range()
    {
        var errors = Catalog.Validate("curb_ramp", new JsonObject { ["curb_ramp_type"] = "other", ["slope"] = 8.33 });
        Assert.Contains("out of range", Assert.Single(errors["attributes.slope"]), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_attribute_is_refused_with_the_known_ones_listed()
    {
        var errors = Catalog.Validate("curb_ramp", new JsonObject { ["curb_ramp_type"] = "other", ["colour"] = "red" });
        var message = Assert.Single(Assert.Single(errors).Value);
        Assert.Contains("Unknown attribute 'colour'", message, StringComparison.Ordinal);
        Assert.Contains("lip_height_mm", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enum_value_outside_the_list_is_refused()
    {
        var errors = Catalog.Validate("curb_ramp", new JsonObject { ["curb_ramp_type"] = "diagonal" });
        var message = Assert.Single(errors["attributes.curb_ramp_type"]);
        Assert.Contains("full_width, three_sided, other", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_attribute_is_reported_also_without_attributes()
    {
        Assert.Contains("required", Assert.Single(Catalog.Validate("public_building", null)["attributes.subtype"]), StringComparison.Ordinal);
        Assert.True(Catalog.Validate("public_building", new JsonObject { ["subtype"] = null }).ContainsKey("attributes.subtype"));
        Assert.Empty(Catalog.Validate("public_building", new JsonObject { ["subtype"] = "hospital" }));
    }

    [Fact]
    public void Several_errors_are_all_reported()
    {
        var errors = Catalog.Validate("ramp", new JsonObject { ["slope"] = -0.1, ["width_m"] = true, ["handrails"] = "left", ["x"] = 1 });
        Assert.Equal(
            ["attributes.handrails", "attributes.slope", "attributes.width_m", "attributes.x"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_unknown_kind_is_refused()
    {
        var errors = Catalog.Validate("bench", new JsonObject());
        Assert.Contains("Unknown facility kind 'bench'", Assert.Single(errors["kind"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Geometry_type_must_match_the_kind()
    {
        Assert.True(Catalog.TryGet("tactile_paving", out var paving));
        Assert.Empty(FacilityKindCatalog.ValidateGeometryType(paving, "LineString"));
        Assert.Contains("LineString", Assert.Single(FacilityKindCatalog.ValidateGeometryType(paving, "Point")["geometry"]), StringComparison.Ordinal);
        Assert.True(Catalog.TryGet("accessible_toilet", out var toilet));
        Assert.Empty(FacilityKindCatalog.ValidateGeometryType(toilet, "Point"));
        Assert.NotEmpty(FacilityKindCatalog.ValidateGeometryType(toilet, "Polygon"));
    }

    [Fact]
    public void Every_numeric_attribute_has_a_unit_and_a_range()
    {
        foreach (var kind in Catalog.Kinds)
        {
            foreach (var a in kind.Attributes.Where(a => a.Type is AttributeValueType.Number or AttributeValueType.Integer))
            {
                Assert.True(a.Unit is not null && a.Min is not null && a.Max is not null, $"{kind.Code}.{a.Name} needs unit, min and max");
            }
        }
    }

    [Fact]
    public void A_broken_catalog_is_refused_on_load()
    {
        const string BadType = """
            { "statuses": [{ "code": "operational", "names": { "zh": "正常", "en": "OK" } }],
              "road_classes": [{ "code": "main", "names": { "zh": "主干路", "en": "Main" } }],
              "kinds": [{ "code": "bench", "names": { "zh": "座椅", "en": "Bench" }, "geometry": "Point",
                          "inspection_interval_months": 12,
                          "attributes": [{ "name": "height_mm", "labels": { "zh": "高", "en": "Height" }, "type": "float" }] }] }
            """;
        var ex = Assert.Throws<InvalidDataException>(() => FacilityKindCatalog.Parse(BadType));
        Assert.Contains("height_mm", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => FacilityKindCatalog.Parse(BadType.Replace("\"float\"", "\"integer\"", StringComparison.Ordinal).Replace("\"Point\"", "\"Polygon\"", StringComparison.Ordinal)));
        Assert.Equal("bench", FacilityKindCatalog.Parse(BadType.Replace("\"float\"", "\"integer\"", StringComparison.Ordinal)).Kinds[0].Code);
    }
}
