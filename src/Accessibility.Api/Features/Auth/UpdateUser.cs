using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Use case: an administrator sets an account's role, districts, managing unit, display name and whether it is disabled
/// and community grids (audited). New rights, or none, end the account's sessions.
/// </summary>
public sealed class UpdateUser(UserAccounts accounts, UserSessions sessions, SignInThrottling throttling, RegistryDbContext db, AuditLog audit)
{
    /// <summary>Applies <paramref name="request"/> to account <paramref name="id"/>.</summary>
    public async Task<Outcome<UserSummary>> RunAsync(HttpContext http, long id, UpdateUserRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        // Accounts outside the caller's scope are "not found": the caller may not learn that they exist.
        if (user is null || !UserAdministration.MayManage(http.User, user.Role, user.DistrictScopes))
        {
            return Outcome<UserSummary>.NotFound();
        }

        var role = request.Role ?? "";
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // A grid worker's districts are its grids' counties (derived); other roles keep the districts asked for.
        var (grids, scopes) = await accounts.ValidateGridsAsync(role, request.GridCodes ?? [], request.DistrictScopes ?? [], errors, ct);
        await accounts.ValidateRoleAndScopesAsync(role, scopes, errors, ct);
        var unit = UserAccounts.ValidateManagingUnit(role, request.ManagingUnit, errors);
        if (request.DisplayName?.Length > 100)
        {
            errors["displayName"] = ["A display name has at most 100 characters."];
        }

        if (errors.Count > 0)
        {
            return Outcome<UserSummary>.Invalid(new FieldErrors().AddRange(errors));
        }

        if (!UserAdministration.MayManage(http.User, role, scopes))
        {
            return Outcome<UserSummary>.Refused(UserAdministration.OutsideScope());
        }

        if (user.Id == UserPrincipal.UserId(http.User) && (request.Disabled || role != user.Role))
        {
            return Outcome<UserSummary>.Conflict(null, TypedResults.Problem(
                title: "Cannot change own account",
                detail: "You cannot disable your own account or change your own role; ask another administrator.",
                statusCode: StatusCodes.Status409Conflict));
        }

        var before = AuthAudit.Snapshot(user);
        // New rights or none: the account signs in again rather than keep a session begun under the old ones.
        if (role != user.Role || !scopes.SequenceEqual(user.DistrictScopes, StringComparer.Ordinal) || unit != user.ManagingUnit
            || !grids.SequenceEqual(user.GridCodes, StringComparer.Ordinal) || (request.Disabled && !user.Disabled))
        {
            await sessions.EndAllAsync(user.Id, ct);
        }

        user.Role = role;
        user.DistrictScopes = scopes;
        user.ManagingUnit = unit;
        user.GridCodes = grids;
        user.Disabled = request.Disabled;
        user.DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim();
        audit.Record(http, AuditActions.Update, AuthAudit.UserEntity, UserAdministration.Id(user), before, AuthAudit.Snapshot(user));
        await db.SaveChangesAsync(ct);
        var throttled = await throttling.ThrottledAccountsAsync(ct);
        return Outcome<UserSummary>.Done(UserSummary.From(user, throttled.TryGetValue(user.UserName, out var until) ? until : null));
    }
}
