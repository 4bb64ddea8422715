using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>A facility kind offered for a planned facility.</summary>
/// <param name="Code">Kind code.</param>
/// <param name="Name">Its name in the page's language.</param>
public sealed record KindChoice(string Code, string Name);

/// <summary>
/// What adding and editing a planned facility share: the project (the caller must be able to change it), the kinds
/// its type allows, the typed position.
/// </summary>
public abstract class PlannedFacilityPageModel(ProjectPagesAdapter projects, FacilityKindCatalog kinds, IOptions<RegistryOptions> options, IStringLocalizer text)
    : ProjectPageModel(text)
{
    /// <summary>The form.</summary>
    [BindProperty]
    public PlannedFacilityInput Input { get; set; } = new();

    /// <summary>The project.</summary>
    public ProjectDetails? Project { get; private set; }

    /// <summary>The kinds the project's type allows.</summary>
    public IReadOnlyList<KindChoice> Kinds { get; private set; } = [];

    /// <summary>The project type's name.</summary>
    public string TypeName { get; private set; } = "";

    /// <summary>The position fields and the map.</summary>
    public PointPickerModel Position => PointPickerModel.For(Input.Latitude, Input.Longitude, options.Value);

    /// <summary>The adapter to the project use cases.</summary>
    protected ProjectPagesAdapter Projects => projects;

    /// <summary>Loads the project; a refusal when it is not found, not the caller's to change, or accepted already.</summary>
    protected async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        var found = await projects.GetAsync(HttpContext, id, ct);
        if (found.Project is null)
        {
            return found.Status == StatusCodes.Status403Forbidden ? ForbiddenPage() : NotFoundPage();
        }

        Project = found.Project;
        if (!await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.ConstructionProject, Project.DistrictCode)))
        {
            return ForbiddenPage();
        }

        if (Project.Stage == "accepted")
        {
            return StatusPage(StatusCodes.Status409Conflict);
        }

        var type = projects.Types.FirstOrDefault(t => t.Code == Project.ProjectType);
        TypeName = type?.Name ?? Project.ProjectType;
        Kinds = [.. (type?.Kinds ?? []).Select(k => new KindChoice(k, kinds.TryGet(k, out var kind) ? Label(kind.Names) : k))];
        return null;
    }

    /// <summary>The typed position as GeoJSON, or null with its errors; the kind checked against the type's.</summary>
    protected JsonObject? ReadForm()
    {
        if (string.IsNullOrEmpty(Input.Kind) || !Kinds.Any(k => k.Code == Input.Kind))
        {
            ModelState.AddModelError("Input.Kind", Text["staff-projects.error.kind", TypeName]);
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
