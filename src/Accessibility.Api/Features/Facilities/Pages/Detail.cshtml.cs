using System.Text.Json.Nodes;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>
/// A facility: its attributes (labels and units from the catalogue), status, position, photos, inspections and open
/// defects, with the actions the caller may take. Read like <c>GET /api/v1/facilities/{id}</c>: the same SQL, the same
/// district decision.
/// </summary>
[StaffAccess(ResourceKinds.Facility, "read")]
public sealed class DetailModel(NpgsqlDataSource dataSource, FacilityForms forms, FacilityKindCatalog catalog, IStringLocalizer text) : FacilityPageModel(text)
{
    /// <summary>The facility's GeoJSON properties.</summary>
    public JsonObject Properties { get; private set; } = [];

    /// <summary>Its id.</summary>
    public long Id { get; private set; }

    /// <summary>Latitude and longitude.</summary>
    public (double Lat, double Lon)? Position { get; private set; }

    /// <summary>Its kind's form (labels, units), or null for a kind no longer in the catalogue.</summary>
    public FacilityForm? Form { get; private set; }

    /// <summary>Its photos, oldest first.</summary>
    public IReadOnlyList<AttachedPhoto> Photos { get; private set; } = [];

    /// <summary>Its inspections, newest first.</summary>
    public JsonArray Inspections { get; private set; } = [];

    /// <summary>What the page was reached after (created, saved, photo), for the notice.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    /// <summary>Whether the caller may change it.</summary>
    public bool MayUpdate { get; private set; }

    /// <summary>The name of a kind.</summary>
    public string KindName(string? code) => code is not null && catalog.TryGet(code, out var kind) ? Label(kind.Names) : code ?? "";

    /// <summary>The label of a status.</summary>
    public string StatusName(string? code) => catalog.Statuses.FirstOrDefault(s => s.Code == code) is { } s ? Label(s.Labels) : code ?? "";

    /// <summary>Loads the facility, or answers 404 / 403.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = await FacilitySql.FeatureWithOpenDefectsByIdAsync(connection, id, ct);
        if (stored is null || stored.Deleted)
        {
            return NotFoundPage();
        }

        // The facility's grid decides what a grid worker may do with it.
        var resource = RegistryResource.In(ResourceKinds.Facility, stored.DistrictCode) with { GridCode = await FacilitySql.GridCodeAsync(connection, id, ct) };
        if (!await HttpContext.MayAsync(Operations.Read, resource))
        {
            return ForbiddenPage();
        }

        MayUpdate = await HttpContext.MayAsync(Operations.Update, resource);
        Id = id;
        var feature = JsonNode.Parse(stored.Json)!.AsObject();
        Properties = feature["properties"]!.AsObject();
        if (feature["geometry"]?["type"]?.GetValue<string>() == "Point" && feature["geometry"]!["coordinates"] is JsonArray c)
        {
            Position = ((double)c[1]!, (double)c[0]!);
        }

        Form = forms.For((string?)Properties["kind"]);
        Photos = await FacilitySql.PhotosAsync(connection, id, ct);
        var staffNames = await HttpContext.MayAsync(Operations.ReadPersonal, RegistryResource.In(ResourceKinds.Inspection, stored.DistrictCode));
        var inspections = await InspectionSql.ListAsync(connection, id, null, 20, 0, staffNames, ct, ReadScope.For(HttpContext, ResourceKinds.Inspection, Operations.Read));
        Inspections = JsonNode.Parse(inspections)!["inspections"]!.AsArray();
        return Page();
    }

    /// <summary>An attribute's value as the page shows it: with its unit, yes/no, the enum's label; "not recorded" when absent.</summary>
    public string Show(FormField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var value = FacilityForms.Show(field, Properties["attributes"] as JsonObject);
        if (value.Length == 0)
        {
            return Text["facilities.detail.notRecorded"];
        }

        return field.Attribute.Type switch
        {
            AttributeValueType.Boolean => value == "true" ? Text["facilities.detail.yes"] : Text["facilities.detail.no"],
            AttributeValueType.Enum => field.Attribute.Values.FirstOrDefault(v => v.Code == value) is { } coded ? Label(coded.Labels) : value,
            _ when field.UnitLabel is { } unit && field.Attribute.Unit != "ratio" => value + " " + Label(unit),
            _ => value,
        };
    }
}
