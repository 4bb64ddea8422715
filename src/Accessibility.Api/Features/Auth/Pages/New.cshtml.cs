using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Auth.Pages;

/// <summary>Creating an account with an initial password: the same use case as <c>POST /api/v1/users</c>.</summary>
[StaffAccess(ResourceKinds.User, "administer")]
public sealed class NewModel(CreateUser create, DistrictChoices districts, IStringLocalizer text) : StaffPageModel
{
    /// <summary>What the form posts.</summary>
    [BindProperty]
    public UserForm Input { get; set; } = new();

    /// <summary>Districts to choose from (null: typed as codes).</summary>
    public IReadOnlyList<DistrictChoice>? Districts { get; private set; }

    /// <summary>Roles the caller may give.</summary>
    public IReadOnlyList<string> Roles => UserPages.RolesFor(User);

    /// <summary>An empty form.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Creates the account, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var request = new CreateUserRequest(Input.UserName, Input.Password, Input.Role, Input.Scopes(), Input.DisplayName, Input.ManagingUnit, Input.Grids());
        var outcome = await create.RunAsync(HttpContext, request, ct);
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                return Redirect(UserPages.List + "?done=created");
            case OutcomeKind.Refused:
                ModelState.AddModelError(FieldKey(Input.Role == Auth.Roles.GridWorker ? "gridCodes" : "districtScopes"), text["users.outsideScope"]);
                break;
            default:
                AddServiceErrors(UserPages.ForForm(outcome.Errors!.ToDictionary(), Input, text));
                break;
        }

        // The password is not sent back in the page.
        Input.Password = null;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Districts = await districts.WithinAsync(ReadScope.For(User, ResourceKinds.User, Operations.Administer), ct);
}
