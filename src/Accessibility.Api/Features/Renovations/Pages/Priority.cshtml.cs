using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>The priority list with its terms: the same use case as <c>GET /api/v1/renovations/priority</c>.</summary>
[StaffAccess(ResourceKinds.RenovationCase, "read-personal")]
public sealed class PriorityModel(RenovationPriority priority, RenovationDistricts districts) : RenovationPageModel
{
    /// <summary>County.</summary>
    [BindProperty(SupportsGet = true)]
    public string? District { get; set; }

    /// <summary>The list.</summary>
    public PriorityList? List { get; private set; }

    /// <summary>Shows the list.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Counties = await districts.CountiesAsync(User, ct);
        District = Chosen(District, Counties);
        if (District is null)
        {
            return Page();
        }

        var outcome = await priority.ListAsync(HttpContext, District, null, ct);
        if (outcome.Status == StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        AddServiceErrors(outcome.Errors, "");
        List = outcome.Value;
        return Page();
    }
}
