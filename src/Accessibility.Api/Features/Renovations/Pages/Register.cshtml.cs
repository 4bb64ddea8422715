using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>Registering a household: the same use case as <c>POST /api/v1/renovations/cases</c>.</summary>
[StaffAccess(ResourceKinds.RenovationCase, "create")]
public sealed class RegisterModel(
    RegisterRenovationCase register, RenovationItemCatalog catalog, SuggestRenovationItems suggest, LocateRenovationHousehold locate,
    RenovationDistricts districts, IStringLocalizer text)
    : CaseFormPageModel(catalog, suggest, locate, districts, text)
{
    /// <inheritdoc />
    public override bool Editing => false;

    /// <summary>The empty form.</summary>
    public async Task OnGetAsync(CancellationToken ct) => await LoadChoicesAsync(ct);

    /// <summary>Suggests items for the barriers and category, keeping everything typed.</summary>
    public async Task<IActionResult> OnPostSuggestAsync(CancellationToken ct)
    {
        await LoadChoicesAsync(ct);
        Suggest();
        return Page();
    }

    /// <summary>Registers the case and opens it; or the form again with the errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadChoicesAsync(ct);
        var request = await RequestAsync(ct);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var outcome = await register.RegisterAsync(HttpContext, request, ct);
        if (outcome.Value is { } created)
        {
            return LocalRedirect(FormattableString.Invariant($"/staff/cases/{created.Id}?registered=1"));
        }

        if (outcome.Status == StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        ShowRefusal(outcome);
        return Page();
    }
}
