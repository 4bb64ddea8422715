using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Auth.Pages;

/// <summary>
/// One account: change its role and districts, disable or enable it, unlock it, reset its password: the same use cases
/// as <c>PUT /api/v1/users/{id}</c>, <c>…/unlock</c> and <c>…/password</c>.
/// </summary>
[StaffAccess(ResourceKinds.User, "administer")]
public sealed class DetailModel(
    ListUsers list, UpdateUser update, UnlockUser unlock, ResetUserPassword reset, DistrictChoices districts, IStringLocalizer text) : StaffPageModel
{
    /// <summary>The account's id.</summary>
    [FromRoute]
    public long Id { get; set; }

    /// <summary>Role, districts, unit and display name as posted.</summary>
    [BindProperty]
    public UserForm Input { get; set; } = new();

    /// <summary>New password as posted.</summary>
    [BindProperty]
    public string? NewPassword { get; set; }

    /// <summary>The account.</summary>
    public UserSummary? Account { get; private set; }

    /// <summary>Districts to choose from (null: typed as codes).</summary>
    public IReadOnlyList<DistrictChoice>? Districts { get; private set; }

    /// <summary>Roles the caller may give.</summary>
    public IReadOnlyList<string> Roles => UserPages.RolesFor(User);

    /// <summary>What was just done, for the notice.</summary>
    public string? Notice { get; private set; }

    /// <summary>Shows the account, if the caller manages it.</summary>
    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done is "updated" or "disabled" or "enabled" or "unlocked" or "password" ? done : null;
        if (!await LoadAsync(ct))
        {
            return NotFoundPage();
        }

        Input = FormOf(Account!);
        return Page();
    }

    /// <summary>Sets role, districts, managing unit and display name.</summary>
    public async Task<IActionResult> OnPostRightsAsync(CancellationToken ct)
    {
        var current = await list.OneAsync(HttpContext, Id, ct);
        if (current is null)
        {
            return NotFoundPage();
        }

        var request = new UpdateUserRequest(Input.Role, Input.Scopes(), current.Disabled, Input.DisplayName, Input.ManagingUnit, Input.Grids());
        return await AnswerAsync(await update.RunAsync(HttpContext, Id, request, ct), "updated", ct);
    }

    /// <summary>Disables the account: it cannot sign in, its sessions end.</summary>
    public Task<IActionResult> OnPostDisableAsync(CancellationToken ct) => SetDisabledAsync(true, ct);

    /// <summary>Enables the account again.</summary>
    public Task<IActionResult> OnPostEnableAsync(CancellationToken ct) => SetDisabledAsync(false, ct);

    /// <summary>Lifts the sign-in throttle on the account's name.</summary>
    public async Task<IActionResult> OnPostUnlockAsync(CancellationToken ct) =>
        await AnswerAsync(await unlock.RunAsync(HttpContext, Id, ct), "unlocked", ct);

    /// <summary>Sets a new password.</summary>
    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        var outcome = await reset.RunAsync(HttpContext, Id, NewPassword, ct);
        NewPassword = null;
        if (outcome.Kind is OutcomeKind.Invalid or OutcomeKind.Conflict)
        {
            // Errors of the password form name its own field.
            AddServiceErrors(outcome.Errors!.ToDictionary(), prefix: "");
            return await ShowAgainAsync(ct);
        }

        return await AnswerAsync(outcome, "password", ct);
    }

    private async Task<IActionResult> SetDisabledAsync(bool disabled, CancellationToken ct)
    {
        var current = await list.OneAsync(HttpContext, Id, ct);
        if (current is null)
        {
            return NotFoundPage();
        }

        var request = new UpdateUserRequest(current.Role, [.. current.DistrictScopes], disabled, current.DisplayName, current.ManagingUnit, [.. current.GridCodes]);
        return await AnswerAsync(await update.RunAsync(HttpContext, Id, request, ct), disabled ? "disabled" : "enabled", ct);
    }

    private async Task<IActionResult> AnswerAsync(Outcome<UserSummary> outcome, string done, CancellationToken ct)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                return Redirect("/staff/users/" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "?done=" + done);
            case OutcomeKind.NotFound:
                return NotFoundPage();
            case OutcomeKind.Refused:
                ModelState.AddModelError(FieldKey(Input.Role == Auth.Roles.GridWorker ? "gridCodes" : "districtScopes"), text["users.outsideScope"]);
                break;
            case OutcomeKind.Conflict:
                ModelState.AddModelError(FieldKey("role"), text["users.ownAccount"]);
                break;
            default:
                AddServiceErrors(UserPages.ForForm(outcome.Errors!.ToDictionary(), Input, text));
                break;
        }

        return await ShowAgainAsync(ct, keepInput: true);
    }

    private async Task<IActionResult> ShowAgainAsync(CancellationToken ct, bool keepInput = false)
    {
        if (!await LoadAsync(ct))
        {
            return NotFoundPage();
        }

        if (!keepInput)
        {
            Input = FormOf(Account!);
        }

        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Account = await list.OneAsync(HttpContext, Id, ct);
        Districts = await districts.WithinAsync(ReadScope.For(User, ResourceKinds.User, Operations.Administer), ct);
        return Account is not null;
    }

    private static UserForm FormOf(UserSummary u) => new()
    {
        DisplayName = u.DisplayName,
        Role = u.Role,
        DistrictScopes = [.. u.DistrictScopes],
        ManagingUnit = u.ManagingUnit,
        GridCodes = string.Join(" ", u.GridCodes),
    };
}
