using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Defects.Pages;

/// <summary>A managing unit's defects: those assigned to its unit in its districts, to repair and those awaiting verification.</summary>
[StaffAccess(ResourceKinds.Defect, "repair")]
public sealed class MyDefectsModel(DefectBoard board) : StaffPageModel
{
    /// <summary>Assigned to the unit, to repair.</summary>
    public DefectPage ToRepair { get; private set; } = new([], 0, 0, 0);

    /// <summary>Reported fixed, awaiting the re-inspection.</summary>
    public DefectPage AwaitingVerification { get; private set; } = new([], 0, 0, 0);

    /// <summary>Verified fixed.</summary>
    public DefectPage Verified { get; private set; } = new([], 0, 0, 0);

    /// <summary>Lists them.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        ToRepair = await board.AssignedToCallerAsync(HttpContext, DefectStatuses.Assigned, 200, 0, ct);
        AwaitingVerification = await board.AssignedToCallerAsync(HttpContext, DefectStatuses.Fixed, 200, 0, ct);
        Verified = await board.AssignedToCallerAsync(HttpContext, DefectStatuses.Verified, 50, 0, ct);
        return Page();
    }
}
