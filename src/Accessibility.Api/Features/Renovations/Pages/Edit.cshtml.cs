using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>Editing a case's data (not its status): the same use case as <c>PUT /api/v1/renovations/cases/{id}</c>.</summary>
[StaffAccess(ResourceKinds.RenovationCase, "update")]
public sealed class EditModel(
    ReadRenovationCase read, EditRenovationCase edit, RenovationItemCatalog catalog, SuggestRenovationItems suggest, LocateRenovationHousehold locate,
    RenovationDistricts districts, IStringLocalizer text)
    : CaseFormPageModel(catalog, suggest, locate, districts, text)
{
    private readonly IStringLocalizer text = text;

    /// <summary>The case.</summary>
    [FromRoute]
    public long Id { get; set; }

    /// <summary>The case as stored (its masked numbers for the hints).</summary>
    public RenovationCaseDetail? Case { get; private set; }

    /// <inheritdoc />
    public override bool Editing => true;

    /// <summary>The form filled with the case (a read of personal data: audited, as the API's detail).</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var outcome = await read.ReadAsync(HttpContext, Id, ct);
        if (outcome.Value is not { } c)
        {
            return NotFoundPage();
        }

        Case = c;
        Input = CaseForm.From(c, Catalog);
        await LoadChoicesAsync(ct);
        return Page();
    }

    /// <summary>Suggests items, keeping everything typed.</summary>
    public async Task<IActionResult> OnPostSuggestAsync(CancellationToken ct)
    {
        if (await LoadCaseAsync(ct) is { } missing)
        {
            return missing;
        }

        await LoadChoicesAsync(ct);
        Suggest();
        return Page();
    }

    /// <summary>Saves against the version read; the case again on success, or the form with the errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadCaseAsync(ct) is { } missing)
        {
            return missing;
        }

        await LoadChoicesAsync(ct);
        var request = await RequestAsync(ct);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var outcome = await edit.EditAsync(HttpContext, Id, request, Input.Version, ct);
        if (outcome.Succeeded)
        {
            return LocalRedirect(FormattableString.Invariant($"/staff/cases/{Id}?saved=1"));
        }

        switch (outcome.Status)
        {
            case StatusCodes.Status404NotFound:
                return NotFoundPage();
            case StatusCodes.Status403Forbidden:
                return ForbiddenPage();
            case StatusCodes.Status409Conflict when outcome.Problem?.Title == "Stale version":
                // Someone changed the case meanwhile: show what it holds now, to make the change again on it.
                ModelState.Clear();
                Input = CaseForm.From(Case!, Catalog);
                await LoadChoicesAsync(ct);
                ModelState.AddModelError("", text["ren.edit.stale"].Value);
                return Page();
            default:
                ShowRefusal(outcome);
                return Page();
        }
    }

    // The case as stored, for the hints of its masked numbers: a read of personal data, audited as any.
    private async Task<IActionResult?> LoadCaseAsync(CancellationToken ct)
    {
        var outcome = await read.ReadAsync(HttpContext, Id, ct);
        if (outcome.Value is not { } c)
        {
            return NotFoundPage();
        }

        Case = c;
        return null;
    }
}
