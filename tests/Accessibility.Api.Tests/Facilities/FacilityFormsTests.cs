using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;
using Xunit;

namespace Accessibility.Api.Tests.Facilities;

public class FacilityFormsTests
{
    private static readonly FacilityKindCatalog Kinds = new(FacilityKindCatalogTests.CatalogPath());

    private static readonly FacilityForms Forms = new(Kinds, ChecklistCatalog.Load(
        Path.Combine(Path.GetDirectoryName(FacilityKindCatalogTests.CatalogPath())!, "checklists.json"), Kinds));

    [Fact]
    public void The_curb_ramp_form_has_the_catalogue_fields_units_values_and_the_standards_thresholds()
    {
        var form = Forms.For("curb_ramp")!;
        Assert.Equal(Kinds.Kinds.Single(k => k.Code == "curb_ramp").Attributes.Select(a => "attributes." + a.Name), form.Fields.Select(f => f.Name));

        var type = form.Fields.Single(f => f.Name == "attributes.curb_ramp_type");
        Assert.True(type.Attribute.Required);
        Assert.Equal(["full_width", "three_sided", "other"], type.Attribute.Values.Select(v => v.Code));
        Assert.Equal("attributes_curb_ramp_type", type.Id);

        var slope = form.Fields.Single(f => f.Name == "attributes.slope");
        Assert.True(slope.IsNumber);
        Assert.Equal("any", slope.Step);
        Assert.Contains("1:12", slope.UnitLabel!.Zh, StringComparison.Ordinal);
        // Both thresholds of GB 50763 §3.1: full-width ≤ 1:20, the other types ≤ 1:12.
        Assert.Equal(["full-width single slope ≤ 1:20", "three-sided and other types ≤ 1:12"], slope.Thresholds.Select(t => t.Text.En));
        Assert.All(slope.Thresholds, t => Assert.Equal("GB 50763 §3.1", t.Clause));

        var lip = form.Fields.Single(f => f.Name == "attributes.lip_height_mm");
        Assert.Equal("1", lip.Step);
        Assert.Equal("mm", lip.UnitLabel!.En);
        Assert.Equal(["≤ 10 mm"], lip.Thresholds.Select(t => t.Text.En));

        // An attribute no checklist judges has no threshold.
        Assert.Empty(form.Fields.Single(f => f.Name == "attributes.obstructed").Thresholds);
        Assert.Null(Forms.For("no_such_kind"));
    }

    [Fact]
    public void A_posted_form_is_read_into_the_attributes_the_catalogue_validates()
    {
        var form = Forms.For("curb_ramp")!;
        var posted = new Dictionary<string, string>
        {
            ["attributes.curb_ramp_type"] = "three_sided",
            ["attributes.slope"] = "1:12",
            ["attributes.width_m"] = "1,5",
            ["attributes.lip_height_mm"] = "8",
            ["attributes.tactile_warning"] = "true",
            ["attributes.obstructed"] = "",
        };
        var errors = new FieldErrors();
        var attributes = FacilityForms.ReadAttributes(form, n => posted.GetValueOrDefault(n), errors);
        Assert.True(errors.IsEmpty);
        Assert.Equal(1.0 / 12, (double)attributes["slope"]!, 9);
        Assert.Equal(1.5, (double)attributes["width_m"]!);
        Assert.Equal(8, (long)attributes["lip_height_mm"]!);
        Assert.True((bool)attributes["tactile_warning"]!);
        Assert.False(attributes.ContainsKey("obstructed"));
        Assert.Empty(Kinds.Validate("curb_ramp", attributes));
        Assert.Equal("true", FacilityForms.Show(form.Fields.Single(f => f.Name == "attributes.tactile_warning"), attributes));
        Assert.Equal("", FacilityForms.Show(form.Fields.Single(f => f.Name == "attributes.obstructed"), attributes));

        // Unreadable numbers are errors under the field; a missing required value and an out-of-range one are the catalogue's.
        posted["attributes.curb_ramp_type"] = "";
        posted["attributes.slope"] = "steep";
        posted["attributes.lip_height_mm"] = "400";
        errors = new FieldErrors();
        attributes = FacilityForms.ReadAttributes(form, n => posted.GetValueOrDefault(n), errors);
        Assert.Equal(["attributes.slope"], errors.ToDictionary().Keys);
        Assert.Equal(["attributes.lip_height_mm", "attributes.curb_ramp_type"], Kinds.Validate("curb_ramp", attributes).Keys);
    }
}
