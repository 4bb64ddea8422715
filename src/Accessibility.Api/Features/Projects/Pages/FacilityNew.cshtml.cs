using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>Adding a facility the project will build: its kind (among the type's kinds), name and position.</summary>
[StaffAccess(ResourceKinds.ConstructionProject, "update")]
public sealed class FacilityNewModel(ProjectPagesAdapter projects, FacilityKindCatalog kinds, IOptions<RegistryOptions> options, IStringLocalizer text)
    : PlannedFacilityPageModel(projects, kinds, options, text)
{
    /// <summary>The empty form.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    /// <summary>Adds the facility, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        var geometry = ReadForm();
        var outcome = await Projects.AddFacilityAsync(HttpContext, id, Input, geometry, ct);
        if (outcome.Succeeded && ModelState.IsValid)
        {
            return Redirect(ProjectPaths.Detail(id) + "?done=facility");
        }

        if (outcome.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return StatusPage(outcome.Status);
        }

        AddProjectErrors(outcome.Errors);
        return Page();
    }
}
