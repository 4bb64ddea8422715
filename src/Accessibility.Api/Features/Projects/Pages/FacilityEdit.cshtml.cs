using System.Globalization;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>
/// Correcting a planned facility's name, position or design attributes before the project is accepted (its kind stays:
/// another kind is another facility, removed and added again).
/// </summary>
[StaffAccess(ResourceKinds.ConstructionProject, "update")]
public sealed class FacilityEditModel(
    ProjectPagesAdapter projects, FacilityKindCatalog kinds, FacilityForms forms, IOptions<RegistryOptions> options, IStringLocalizer text)
    : PlannedFacilityPageModel(projects, kinds, forms, options, text)
{
    /// <summary>The form with the stored values.</summary>
    public async Task<IActionResult> OnGetAsync(long id, long facilityId, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        var facility = Project!.Facilities.FirstOrDefault(f => f.Id == facilityId);
        if (facility is null)
        {
            return NotFoundPage();
        }

        Choose(facility.Kind, facility.Attributes);
        Input.Name = facility.Name;
        Input.Latitude = facility.Position?.Lat.ToString("0.0000000", CultureInfo.InvariantCulture);
        Input.Longitude = facility.Position?.Lon.ToString("0.0000000", CultureInfo.InvariantCulture);
        Input.Line = LineText(facility.Line);
        return Page();
    }

    /// <summary>Saves the facility, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(long id, long facilityId, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        if (Project!.Facilities.FirstOrDefault(f => f.Id == facilityId) is not { } facility)
        {
            return NotFoundPage();
        }

        Choose(facility.Kind, facility.Attributes);
        var geometry = ReadForm();
        var attributes = ReadAttributes();
        var outcome = await Projects.UpdateFacilityAsync(HttpContext, id, facilityId, Input, geometry, attributes, ct);
        if (outcome.Succeeded && ModelState.IsValid)
        {
            return Redirect(ProjectPaths.Detail(id) + "?done=facility-saved");
        }

        if (outcome.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return StatusPage(outcome.Status);
        }

        AddProjectErrors(outcome.Errors, geometryKey: GeometryKey);
        return Page();
    }
}
