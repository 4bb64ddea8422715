using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace Accessibility.Api.Features.Roads.Pages;

/// <summary>A road segment: class, sidewalk, curb ramps, tactile paving, length and points; read like <c>GET /api/v1/roads/{id}</c>.</summary>
[StaffAccess(ResourceKinds.Road, "read")]
public sealed class RoadDetailModel(NpgsqlDataSource dataSource, FacilityKindCatalog catalog, IStringLocalizer text) : FacilityPageModel(text)
{
    /// <summary>The segment's GeoJSON properties.</summary>
    public JsonObject Properties { get; private set; } = [];

    /// <summary>Its points, latitude and longitude.</summary>
    public IReadOnlyList<(double Lat, double Lon)> Points { get; private set; } = [];

    /// <summary>Its id.</summary>
    public long Id { get; private set; }

    /// <summary>Whether the caller may change it.</summary>
    public bool MayUpdate { get; private set; }

    /// <summary>What the page was reached after.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    /// <summary>A code's label among <paramref name="values"/>.</summary>
    public static string Name(IReadOnlyList<CodedValue> values, string? code) =>
        values.FirstOrDefault(v => v.Code == code) is { } v ? Label(v.Labels) : code ?? "";

    /// <summary>The road classes.</summary>
    public IReadOnlyList<CodedValue> RoadClasses => catalog.RoadClasses;

    /// <summary>The statuses.</summary>
    public IReadOnlyList<CodedValue> Statuses => catalog.Statuses;

    /// <summary>Loads the segment, or answers 404 / 403.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = await RoadSql.FeatureByIdAsync(connection, id, ct);
        if (stored is null || stored.Deleted)
        {
            return NotFoundPage();
        }

        var resource = RegistryResource.In(ResourceKinds.Road, stored.DistrictCode);
        if (!await HttpContext.MayAsync(Operations.Read, resource))
        {
            return ForbiddenPage();
        }

        MayUpdate = await HttpContext.MayAsync(Operations.Update, resource);
        Id = id;
        var feature = JsonNode.Parse(stored.Json)!.AsObject();
        Properties = feature["properties"]!.AsObject();
        Points = feature["geometry"]!["coordinates"]!.AsArray().Select(c => ((double)c![1]!, (double)c[0]!)).ToArray();
        return Page();
    }
}
