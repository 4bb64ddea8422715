using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>
/// Registering a construction project: name, builder, type, new or alteration, the site (a point typed or picked on the
/// map, or a footprint as GeoJSON), description and planned completion. Runs the registration use case the API runs.
/// </summary>
[StaffAccess(ResourceKinds.ConstructionProject, "create")]
public sealed class NewModel(ProjectPagesAdapter projects, IOptions<RegistryOptions> options, IStringLocalizer text) : ProjectPageModel(text)
{
    /// <summary>The form.</summary>
    [BindProperty]
    public ProjectFormInput Input { get; set; } = new();

    /// <summary>The project types.</summary>
    public IReadOnlyList<ProjectTypeChoice> Types => projects.Types;

    /// <summary>The position fields and the map.</summary>
    public PointPickerModel Position => PointPickerModel.For(Input.Latitude, Input.Longitude, options.Value);

    /// <summary>The empty form.</summary>
    public IActionResult OnGet() => Page();

    /// <summary>Registers the project, or shows the form again with every error.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var geometry = ReadSite();
        DateOnly? completion = null;
        if (!string.IsNullOrWhiteSpace(Input.PlannedCompletion))
        {
            if (DateOnly.TryParseExact(Input.PlannedCompletion.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                completion = d;
            }
            else
            {
                ModelState.AddModelError("Input.PlannedCompletion", Text["staff-projects.error.date"]);
            }
        }

        var outcome = await projects.RegisterAsync(HttpContext, Input, geometry, completion, ct);
        if (outcome.Succeeded && ModelState.IsValid)
        {
            return Redirect(ProjectPaths.Detail(outcome.Id!.Value) + "?done=registered");
        }

        if (outcome.Status is StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        AddProjectErrors(outcome.Errors, !string.IsNullOrWhiteSpace(Input.Footprint));
        return Page();
    }

    /// <summary>The site as GeoJSON: the footprint when typed (read as JSON), else the point; null with errors.</summary>
    private JsonObject? ReadSite()
    {
        if (!string.IsNullOrWhiteSpace(Input.Footprint))
        {
            try
            {
                if (JsonNode.Parse(Input.Footprint) is JsonObject footprint)
                {
                    // A Feature is accepted as its geometry: what drawing tools export.
                    return footprint["geometry"] is JsonObject g && (string?)footprint["type"] == "Feature" ? (JsonObject)g.DeepClone() : footprint;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Reported below.
            }

            ModelState.AddModelError("Input.Footprint", Text["staff-projects.error.footprint"]);
            return null;
        }

        var lat = ReadDegrees(Input.Latitude, 90);
        var lon = ReadDegrees(Input.Longitude, 180);
        if (lat is null)
        {
            ModelState.AddModelError("Input.Latitude", Text["facilities.error.latitude"]);
        }

        if (lon is null)
        {
            ModelState.AddModelError("Input.Longitude", Text["facilities.error.longitude"]);
        }

        return lat is { } la && lon is { } lo ? new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(lo, la) } : null;
    }
}
