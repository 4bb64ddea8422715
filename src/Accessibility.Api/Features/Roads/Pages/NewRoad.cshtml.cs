using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Roads.Pages;

/// <summary>Registering a road segment: drawn on the map with script, typed as a coordinates list without. Runs <see cref="CreateRoad"/>.</summary>
[StaffAccess(ResourceKinds.Road, "create")]
public sealed class NewRoadModel(CreateRoad createRoad, FacilityKindCatalog catalog, IOptions<RegistryOptions> options, IStringLocalizer text)
    : RoadPageModel(catalog, options, text)
{
    private readonly FacilityKindCatalog kinds = catalog;

    /// <summary>The empty form.</summary>
    public void OnGet()
    {
    }

    /// <summary>Registers the segment, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var request = ReadRequest();
        if (!ModelState.IsValid)
        {
            var errors = new FieldErrors();
            RoadInput.Validate(request, kinds, errors);
            AddRoadErrors(errors.ToDictionary());
            return Page();
        }

        var outcome = await createRoad.RunAsync(HttpContext, request, ct);
        if (outcome.Succeeded)
        {
            return Redirect(FacilityPaths.Road(outcome.Id!.Value) + "?done=created");
        }

        if (outcome.Errors.Count > 0)
        {
            AddRoadErrors(outcome.Errors);
            return Page();
        }

        return outcome.StatusCode == StatusCodes.Status403Forbidden ? ForbiddenPage() : StatusPage(outcome.StatusCode);
    }
}
