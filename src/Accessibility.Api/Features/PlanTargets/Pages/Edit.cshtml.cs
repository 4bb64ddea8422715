using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.PlanTargets.Pages;

/// <summary>Correcting a target, against the version read: the same use case as <c>PUT /api/v1/plan-targets/{id}</c>.</summary>
[StaffAccess(ResourceKinds.PlanTarget, "update")]
public sealed class EditModel(GetPlanTarget get, UpdatePlanTarget update, DistrictChoices districts, IStringLocalizer text) : StaffPageModel
{
    /// <summary>The target's id.</summary>
    [FromRoute]
    public long Id { get; set; }

    /// <summary>What the form posts.</summary>
    [BindProperty]
    public PlanTargetForm Input { get; set; } = new();

    /// <summary>Districts to choose from (null: typed as a code).</summary>
    public IReadOnlyList<DistrictChoice>? Districts { get; private set; }

    /// <summary>The form filled with the target, if the caller may change it.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var outcome = await get.RunAsync(HttpContext, Id, ct);
        if (outcome.Value is not { } target)
        {
            return NotFoundPage();
        }

        if (!await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.PlanTarget, target.DistrictCode)))
        {
            return ForbiddenPage();
        }

        Input = PlanTargetForm.From(target);
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Saves the change, or shows the form again with its errors (or with the target as it is now, if it changed meanwhile).</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var formErrors = new FieldErrors();
        var request = Input.ToRequest(formErrors);
        var outcome = await update.RunAsync(HttpContext, Id, request, Input.Version, null, ct);
        switch (outcome.Kind)
        {
            case OutcomeKind.Done when formErrors.IsEmpty:
                return Redirect(PlanTargetPages.List + "?done=updated");
            case OutcomeKind.NotFound:
                return NotFoundPage();
            case OutcomeKind.Refused:
                return ForbiddenPage();
            case OutcomeKind.Stale:
                // Someone else saved first: show the target as it is now, to apply the change again.
                ModelState.Clear();
                Input = PlanTargetForm.From(outcome.Value!);
                ModelState.AddModelError(string.Empty, text["planTargets.edit.stale"]);
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            default:
                AddServiceErrors(PlanTargetPages.Merge(formErrors, outcome.Errors));
                break;
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Districts = await districts.WithinAsync(ReadScope.For(User, ResourceKinds.PlanTarget, Operations.Update), ct);
}
