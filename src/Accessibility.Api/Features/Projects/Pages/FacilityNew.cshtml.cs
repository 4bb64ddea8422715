using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>
/// Adding a facility the project will build, one thing per page: first its kind (among the type's kinds; a GET form,
/// <c>?kind=</c>), then its name, position (a point, or a line for tactile paving and road segments) and design attributes.
/// </summary>
[StaffAccess(ResourceKinds.ConstructionProject, "update")]
public sealed class FacilityNewModel(
    ProjectPagesAdapter projects, FacilityKindCatalog kinds, FacilityForms forms, IOptions<RegistryOptions> options, IStringLocalizer text)
    : PlannedFacilityPageModel(projects, kinds, forms, options, text)
{
    /// <summary>The kind question, or the chosen kind's form.</summary>
    public async Task<IActionResult> OnGetAsync(long id, [FromQuery] string? kind, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        if (!Choose(kind, null) && Request.Query.ContainsKey("kind"))
        {
            ModelState.AddModelError("Input.Kind", Text["staff-projects.error.kind", TypeName]);
        }

        return Page();
    }

    /// <summary>Adds the facility, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        if (!Choose(Input.Kind, null))
        {
            ModelState.AddModelError("Input.Kind", Text["staff-projects.error.kind", TypeName]);
            return Page();
        }

        var geometry = ReadForm();
        var attributes = ReadAttributes();
        var outcome = await Projects.AddFacilityAsync(HttpContext, id, Input, geometry, attributes, ct);
        if (outcome.Succeeded && ModelState.IsValid)
        {
            return Redirect(ProjectPaths.Detail(id) + "?done=facility");
        }

        if (outcome.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return StatusPage(outcome.Status);
        }

        AddProjectErrors(outcome.Errors, geometryKey: GeometryKey);
        return Page();
    }
}
