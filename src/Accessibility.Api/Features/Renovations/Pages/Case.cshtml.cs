using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>
/// One case in full, every view audited as <c>GET /api/v1/renovations/cases/{id}</c> is, with each next workflow step as its
/// own form: who takes it, what it needs; taking it is the same use case as <c>POST …/transitions</c>.
/// </summary>
[StaffAccess(ResourceKinds.RenovationCase, "read-personal")]
public sealed class CaseModel(ReadRenovationCase read, TransitionRenovationCase transition, RenovationItemCatalog catalog, IStringLocalizer text)
    : RenovationPageModel
{
    /// <summary>The case.</summary>
    [FromRoute]
    public long Id { get; set; }

    /// <summary>What a step form posts.</summary>
    [BindProperty]
    public StepForm Step { get; set; } = new();

    /// <summary>The case.</summary>
    public RenovationCaseDetail? Case { get; private set; }

    /// <summary>The steps it can take next.</summary>
    public IReadOnlyList<NextStep> Steps { get; private set; } = [];

    /// <summary>The item catalogue, for labels.</summary>
    public RenovationItemCatalog Catalog => catalog;

    /// <summary>The step whose form came back with errors.</summary>
    public string? FailedStep { get; private set; }

    /// <summary>The case (the read audited).</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await ShowAsync(ct) ?? Page();

    /// <summary>Takes a step; the case again, with the step's errors at its fields when it is refused.</summary>
    public async Task<IActionResult> OnPostStepAsync(CancellationToken ct)
    {
        var outcome = await transition.MoveAsync(HttpContext, Id, new TransitionRequest(
            Step.To, Step.Reason, Step.Contractor, Step.FinalCost, Step.AcceptanceNote, Step.Satisfaction, Step.SatisfactionComment, Step.ValidFrom), ct);
        if (outcome.Succeeded)
        {
            return LocalRedirect(FormattableString.Invariant($"/staff/cases/{Id}?step={Uri.EscapeDataString(Step.To ?? "")}"));
        }

        if (outcome.Status == StatusCodes.Status404NotFound)
        {
            return NotFoundPage();
        }

        // The step's own fields carry its errors (ids unique per step form); a refusal of the step itself goes to the summary.
        ModelState.Clear();
        FailedStep = Step.To;
        var errors = outcome.Errors;
        foreach (var (field, messages) in errors)
        {
            var key = StepFieldId(Step.To ?? "", field);
            foreach (var m in messages)
            {
                ModelState.AddModelError(field is "to" or "barriers" ? "" : key, m);
            }
        }

        if (errors.Count == 0)
        {
            ModelState.AddModelError("", outcome.Problem?.Detail ?? outcome.Problem?.Title ?? text["ren.steps.notYours"].Value);
        }

        Response.StatusCode = outcome.Status;
        return await ShowAsync(ct) ?? Page();
    }

    /// <summary>The id of a step form's field (unique on the page: each step has its own form).</summary>
    public static string StepFieldId(string step, string field) => "step-" + step + "-" + field;

    /// <summary>The error messages of a step form's field, when that form came back.</summary>
    public IReadOnlyList<string> StepErrors(string step, string field) =>
        ModelState.TryGetValue(StepFieldId(step, field), out var entry) ? [.. entry.Errors.Select(e => e.ErrorMessage)] : [];

    private async Task<IActionResult?> ShowAsync(CancellationToken ct)
    {
        var outcome = await read.ReadAsync(HttpContext, Id, ct);
        if (outcome.Value is not { } c)
        {
            return NotFoundPage();
        }

        Case = c;
        Steps = TransitionRenovationCase.NextSteps(c.Status, User);
        return null;
    }
}

/// <summary>A workflow step asked for on the case page.</summary>
public sealed class StepForm
{
    /// <summary>Status to reach.</summary>
    public string? To { get; set; }

    /// <summary>Reason or note.</summary>
    public string? Reason { get; set; }

    /// <summary>Contractor (contracted).</summary>
    public string? Contractor { get; set; }

    /// <summary>Final cost (completed).</summary>
    public decimal? FinalCost { get; set; }

    /// <summary>Acceptance notes (accepted).</summary>
    public string? AcceptanceNote { get; set; }

    /// <summary>Satisfaction 1–5 (followed up).</summary>
    public int? Satisfaction { get; set; }

    /// <summary>Comment of the follow-up.</summary>
    public string? SatisfactionComment { get; set; }

    /// <summary>When the step happened, when recorded later (yyyy-MM-dd); empty for now.</summary>
    public string? ValidFrom { get; set; }
}
