namespace Accessibility.Api.Features.Auth.Pages;

/// <summary>The account form as posted (new accounts and changes).</summary>
public sealed class UserForm
{
    /// <summary>Login name (new accounts).</summary>
    public string? UserName { get; set; }

    /// <summary>Name shown on the page.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Role.</summary>
    public string? Role { get; set; }

    /// <summary>District codes (ticked, or typed separated by spaces).</summary>
    public List<string> DistrictScopes { get; set; } = [];

    /// <summary>The unit a managing-unit account repairs for.</summary>
    public string? ManagingUnit { get; set; }

    /// <summary>The community grids of a grid-worker account, typed as 12-digit codes separated by spaces.</summary>
    public string? GridCodes { get; set; }

    /// <summary>Initial password (new accounts).</summary>
    public string? Password { get; set; }

    /// <summary>The grid codes typed, split at spaces and commas.</summary>
    public string[] Grids() =>
        [.. (GridCodes ?? "").Split([' ', ',', '，', '、', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The districts the form asks for: a grid worker's are its grids' counties (the use case derives them), so what is
    /// ticked for one is not sent.
    /// </summary>
    public string[] Scopes() => Role == Accessibility.Api.Features.Auth.Roles.GridWorker ? [] : Codes();

    /// <summary>The district codes, typed ones split at spaces and commas.</summary>
    public string[] Codes() =>
        [.. DistrictScopes.SelectMany(c => c.Split([' ', ',', '，', '、'], StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal)];
}

/// <summary>What the user pages share.</summary>
internal static class UserPages
{
    /// <summary>The list page.</summary>
    public const string List = "/staff/users";

    /// <summary>
    /// The use case's errors, with what a form left empty said in the form's words ("choose a role"), not the API's
    /// (which names every role).
    /// </summary>
    public static Dictionary<string, string[]> ForForm(
        Dictionary<string, string[]> errors, UserForm form, Microsoft.Extensions.Localization.IStringLocalizer text)
    {
        if (errors.ContainsKey("role") && string.IsNullOrWhiteSpace(form.Role))
        {
            errors["role"] = [text["users.error.roleRequired"]];
        }

        if (errors.ContainsKey("districtScopes") && form.Codes().Length == 0)
        {
            errors["districtScopes"] = [text["users.error.districtsRequired"]];
        }

        return errors;
    }

    /// <summary>The roles <paramref name="user"/> may give: system administrators any; others every role but theirs.</summary>
    public static IReadOnlyList<string> RolesFor(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Roles.SystemAdmin) ? Roles.All : [.. Roles.All.Where(r => r != Roles.SystemAdmin)];
}
