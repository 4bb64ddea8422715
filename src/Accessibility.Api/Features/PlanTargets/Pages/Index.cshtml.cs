using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.PlanTargets.Pages;

/// <summary>The plan targets of the administrator's districts, with what may be done to each.</summary>
[StaffAccess(ResourceKinds.PlanTarget, "update")]
public sealed class IndexModel(ListPlanTargets list, DistrictChoices districts) : StaffPageModel
{
    private Dictionary<string, string> names = new(StringComparer.Ordinal);

    /// <summary>The targets the caller maintains.</summary>
    public IReadOnlyList<PlanTarget> Targets { get; private set; } = [];

    /// <summary>What was just done (created, updated, retired), for the notice.</summary>
    public string? Notice { get; private set; }

    /// <summary>Lists the targets of the districts the caller may change targets in.</summary>
    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done is "created" or "updated" or "retired" ? done : null;
        Targets = await list.QueryAsync(null, ReadScope.For(User, ResourceKinds.PlanTarget, Operations.Update), ct);
        names = await districts.NamesAsync(Targets.Select(t => t.DistrictCode), ct);
        return Page();
    }

    /// <summary>A district's name and code.</summary>
    public string DistrictName(string code) => names.TryGetValue(code, out var name) ? name + "（" + code + "）" : code;
}
