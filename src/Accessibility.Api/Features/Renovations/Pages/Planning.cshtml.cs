using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>Planning against the plan targets with the forecast and the binding-target warning: the same use case as <c>GET /api/v1/renovations/planning</c>.</summary>
[StaffAccess(ResourceKinds.RenovationPlan, "read")]
public sealed class PlanningModel(PlanRenovations plan, RenovationDistricts districts) : RenovationPageModel
{
    /// <summary>County.</summary>
    [BindProperty(SupportsGet = true)]
    public string? District { get; set; }

    /// <summary>Only the targets running in this year.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    /// <summary>The figures.</summary>
    public PlanningResponse? Plan { get; private set; }

    /// <summary>Shows the figures.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Counties = await districts.CountiesAsync(User, ct);
        District = Chosen(District, Counties);
        if (District is null || !ModelState.IsValid)
        {
            return Page();
        }

        var outcome = await plan.PlanAsync(HttpContext, District, Year, null, ct);
        if (outcome.Status == StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        AddServiceErrors(outcome.Errors, "");
        Plan = outcome.Value;
        return Page();
    }
}
