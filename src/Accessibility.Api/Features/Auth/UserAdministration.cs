using System.Globalization;
using System.Security.Claims;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Who manages which account, shared by the user use cases: system administrators every account; district
/// administrators the accounts whose districts all lie inside their own, never system administrators, and never
/// granting a district outside their scope.
/// </summary>
public static class UserAdministration
{
    /// <summary>True when <paramref name="caller"/> may manage an account of <paramref name="role"/> in <paramref name="districtScopes"/>.</summary>
    /// <remarks>An account without districts (a system administrator's) lies everywhere: only system administrators manage it.</remarks>
    public static bool MayManage(ClaimsPrincipal caller, string role, IReadOnlyCollection<string> districtScopes)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(districtScopes);
        IReadOnlyCollection<string> codes = role == Roles.SystemAdmin || districtScopes.Count == 0 ? [RegistryResource.Everywhere] : districtScopes;
        return codes.All(code => AccessRules.Allows(caller, Operations.Administer.Name, RegistryResource.In(ResourceKinds.User, code)));
    }

    /// <summary>The API's answer when the account or the rights asked for lie outside the caller's scope.</summary>
    public static IResult OutsideScope() => TypedResults.Problem(
        title: "Outside your scope",
        detail: "District administrators manage accounts only inside their own districts, and never system administrators.",
        statusCode: StatusCodes.Status403Forbidden);

    /// <summary>An account id as the audit log names it.</summary>
    public static string Id(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Id.ToString(CultureInfo.InvariantCulture);
    }
}
