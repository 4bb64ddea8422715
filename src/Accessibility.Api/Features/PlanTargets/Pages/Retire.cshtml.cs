using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.PlanTargets.Pages;

/// <summary>Retiring a target, after confirming: the same use case as <c>DELETE /api/v1/plan-targets/{id}</c>.</summary>
[StaffAccess(ResourceKinds.PlanTarget, "delete")]
public sealed class RetireModel(GetPlanTarget get, RetirePlanTarget retire) : StaffPageModel
{
    /// <summary>The target's id.</summary>
    [FromRoute]
    public long Id { get; set; }

    /// <summary>The target to retire.</summary>
    public PlanTarget? Target { get; private set; }

    /// <summary>Asks to confirm.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Target = (await get.RunAsync(HttpContext, Id, ct)).Value;
        if (Target is null)
        {
            return NotFoundPage();
        }

        return await HttpContext.MayAsync(Operations.Delete, RegistryResource.In(ResourceKinds.PlanTarget, Target.DistrictCode))
            ? Page()
            : ForbiddenPage();
    }

    /// <summary>Retires the target.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct) => (await retire.RunAsync(HttpContext, Id, ct)).Kind switch
    {
        OutcomeKind.Done => Redirect(PlanTargetPages.List + "?done=retired"),
        OutcomeKind.Refused => ForbiddenPage(),
        _ => NotFoundPage(),
    };
}
