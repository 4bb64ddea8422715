using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Accessibility.Api.Features.Grids.Pages;

/// <summary>What the township boundary form posts.</summary>
public sealed class TownshipForm
{
    /// <summary>The boundary as GeoJSON text.</summary>
    public string? Geometry { get; set; }
}

/// <summary>
/// Drawing or replacing a township's boundary: the district boundary import (<c>POST /api/v1/districts/boundaries</c>)
/// with one feature, so the same checks apply (inside the county, no overlap with the other townships, its grids still
/// inside) and the county's facilities and roads are placed in their townships again.
/// </summary>
[StaffAccess(ResourceKinds.District, "administer")]
public sealed class TownshipModel(BoundaryImporter importer, NpgsqlDataSource dataSource, IOptions<RegistryOptions> options) : StaffPageModel
{
    /// <summary>The township.</summary>
    [FromRoute]
    public string Code { get; set; } = "";

    /// <summary>What the form posts.</summary>
    [BindProperty]
    public TownshipForm Input { get; set; } = new();

    /// <summary>The township's name.</summary>
    public string Name { get; private set; } = "";

    /// <summary>Its county.</summary>
    public string County { get; private set; } = "";

    /// <summary>The geometry field.</summary>
    public GeometryFieldModel GeometryField => new("Geometry", Input.Geometry, PointPickerModel.For(null, null, options.Value), null);

    /// <summary>The form with the current boundary, if any.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal)
        {
            return refusal;
        }

        return Page();
    }

    /// <summary>Sets the boundary, or shows the form again with the reasons.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var typed = Input.Geometry;
        if (await LoadAsync(ct) is { } refusal)
        {
            return refusal;
        }

        Input.Geometry = typed;
        JsonNode? geometry = null;
        var errors = new FieldErrors();
        try
        {
            geometry = string.IsNullOrWhiteSpace(typed) ? null : JsonNode.Parse(typed);
        }
        catch (JsonException ex)
        {
            errors.Add("geometry", "The GeoJSON cannot be read: " + ex.Message);
        }

        if (errors.IsEmpty && geometry is not JsonObject)
        {
            errors.Add("geometry", "Required: a GeoJSON Polygon or MultiPolygon in lon/lat.");
        }

        if (errors.IsEmpty)
        {
            if (geometry is JsonObject o && (string?)o["type"] == "Feature" && o["geometry"] is JsonObject inner)
            {
                geometry = inner.DeepClone();
            }

            var collection = new JsonObject
            {
                ["type"] = "FeatureCollection",
                ["features"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Feature",
                    ["properties"] = new JsonObject { ["code"] = Code, ["name"] = Name },
                    ["geometry"] = geometry!.DeepClone(),
                }),
            };
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(collection.ToJsonString()));
            var outcome = await importer.ImportAsync(stream, "code", "name", InputCrs.WGS84,
                code => AccessRules.Allows(User, Operations.Administer.Name, RegistryResource.In(ResourceKinds.District, code)),
                BoundaryImporter.Actor.From(HttpContext), ct);
            if (outcome.Errors.Count == 0)
            {
                return Redirect(GridPages.ListOf(County, "township"));
            }

            foreach (var messages in outcome.Errors.Values)
            {
                foreach (var m in messages)
                {
                    errors.Add("geometry", m);
                }
            }
        }

        AddServiceErrors(errors.ToDictionary());
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (await GridSql.TownshipFormAsync(dataSource, Code, ct) is not { } township)
        {
            return NotFoundPage();
        }

        if (!await HttpContext.MayAsync(Operations.Administer, RegistryResource.In(ResourceKinds.District, Code)))
        {
            return ForbiddenPage();
        }

        Name = township.Name;
        County = township.County;
        Input.Geometry = township.Geometry;
        return null;
    }
}
