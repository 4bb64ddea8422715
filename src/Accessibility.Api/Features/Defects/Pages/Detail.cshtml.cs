using System.Globalization;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Defects.Pages;

/// <summary>
/// One defect for the staff: its history with the evidence, assignment to a managing unit with a due date
/// (<see cref="AssignDefect"/>), rejection (<see cref="RejectDefect"/>), the verification's outcome, and the way to the
/// re-inspection that verifies it.
/// </summary>
[StaffAccess(ResourceKinds.Defect, "update")]
public sealed class DefectDetailModel(DefectBoard board, IStringLocalizer text) : StaffPageModel
{
    /// <summary>The defect's id.</summary>
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    /// <summary>What was just done (assigned, rejected).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    /// <summary>The assignment form.</summary>
    [BindProperty]
    public AssignForm Assign { get; set; } = new();

    /// <summary>The rejection form.</summary>
    [BindProperty]
    public DefectRejectForm Reject { get; set; } = new();

    /// <summary>The defect.</summary>
    public DefectView? Defect { get; private set; }

    /// <summary>Whether the caller may record the re-inspection of its facility.</summary>
    public bool MayInspect { get; private set; }

    /// <summary>Shows the defect.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        Assign.ManagingUnit ??= Defect!.ManagingUnit;
        Assign.DueAt ??= StaffText.DateInput(Defect!.DueAt);
        return Page();
    }

    /// <summary>Assigns the defect to a managing unit, with a due date.</summary>
    public async Task<IActionResult> OnPostAssignAsync([FromServices] AssignDefect assign, CancellationToken ct)
    {
        DateTimeOffset? due = null;
        if (!string.IsNullOrWhiteSpace(Assign.DueAt))
        {
            if (DateOnly.TryParseExact(Assign.DueAt.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                // The end of the day in China Standard Time: "due on the 20th" includes the 20th.
                due = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.FromHours(8));
            }
            else
            {
                ModelState.AddModelError("Assign.DueAt", text["defects.error.dueAtFormat"]);
            }
        }

        if (ModelState.ErrorCount == 0)
        {
            var outcome = await assign.RunAsync(HttpContext, Id, new AssignRequest(Assign.ManagingUnit, Assign.Note, due), ct);
            if (outcome.Succeeded)
            {
                return RedirectToPage(null, new { id = Id, done = "assigned" });
            }

            if (StaffText.Refusal(this, outcome, text) is { } page)
            {
                return page;
            }

            StaffText.AddErrors(this, outcome.Errors, "Assign", text);
        }

        return await LoadAsync(ct) ?? Page();
    }

    /// <summary>Rejects the defect with a reason.</summary>
    public async Task<IActionResult> OnPostRejectAsync([FromServices] RejectDefect reject, CancellationToken ct)
    {
        var outcome = await reject.RunAsync(HttpContext, Id, new RejectRequest(Reject.Reason), ct);
        if (outcome.Succeeded)
        {
            return RedirectToPage(null, new { id = Id, done = "rejected" });
        }

        if (StaffText.Refusal(this, outcome, text) is { } page)
        {
            return page;
        }

        StaffText.AddErrors(this, outcome.Errors, "Reject", text);
        return await LoadAsync(ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var found = await board.GetAsync(HttpContext, Id, ct);
        if (!found.Succeeded)
        {
            return found.Status == StatusCodes.Status404NotFound ? NotFoundPage() : ForbiddenPage();
        }

        Defect = found.Value;
        // The board is for the districts the caller works in: another district's defect is not theirs to handle here.
        if (!await HttpContext.MayAsync(Operations.Update, DefectAccess.Resource(Defect!)))
        {
            return ForbiddenPage();
        }

        MayInspect = await HttpContext.MayAsync(Operations.Create, RegistryResource.In(ResourceKinds.Inspection, Defect!.DistrictCode));
        return null;
    }
}

/// <summary>The assignment form.</summary>
public sealed class AssignForm
{
    /// <summary>The managing unit that repairs.</summary>
    public string? ManagingUnit { get; set; }

    /// <summary>Due date, <c>yyyy-MM-dd</c>.</summary>
    public string? DueAt { get; set; }

    /// <summary>Note to the unit.</summary>
    public string? Note { get; set; }
}

/// <summary>The rejection form.</summary>
public sealed class DefectRejectForm
{
    /// <summary>Why.</summary>
    public string? Reason { get; set; }
}
