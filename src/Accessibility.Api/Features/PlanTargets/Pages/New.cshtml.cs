using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.PlanTargets.Pages;

/// <summary>Adding a target from a plan: the same use case as <c>POST /api/v1/plan-targets</c>.</summary>
[StaffAccess(ResourceKinds.PlanTarget, "create")]
public sealed class NewModel(CreatePlanTarget create, DistrictChoices districts) : StaffPageModel
{
    /// <summary>What the form posts.</summary>
    [BindProperty]
    public PlanTargetForm Input { get; set; } = new();

    /// <summary>Districts to choose from (null: typed as a code).</summary>
    public IReadOnlyList<DistrictChoice>? Districts { get; private set; }

    /// <summary>An empty form.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Input = new PlanTargetForm { Kind = "count", Comparator = ">=", Binding = "true" };
        Districts = await districts.WithinAsync(ReadScope.For(User, ResourceKinds.PlanTarget, Operations.Create), ct);
        return Page();
    }

    /// <summary>Adds the target, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var formErrors = new FieldErrors();
        var request = Input.ToRequest(formErrors);
        var outcome = await create.RunAsync(HttpContext, request, ct);
        if (formErrors.IsEmpty && outcome.IsDone)
        {
            return Redirect(PlanTargetPages.List + "?done=created");
        }

        if (outcome.Kind == OutcomeKind.Refused)
        {
            return ForbiddenPage();
        }

        AddServiceErrors(PlanTargetPages.Merge(formErrors, outcome.Errors));
        Districts = await districts.WithinAsync(ReadScope.For(User, ResourceKinds.PlanTarget, Operations.Create), ct);
        return Page();
    }
}
