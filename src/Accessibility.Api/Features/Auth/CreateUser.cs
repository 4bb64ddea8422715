using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Auth;

/// <summary>Use case: an administrator creates an account inside their scope, with an initial password (audited).</summary>
public sealed class CreateUser(UserAccounts accounts, RegistryDbContext db, AuditLog audit)
{
    /// <summary>Creates the account of <paramref name="request"/>; a taken user name is a conflict.</summary>
    public async Task<Outcome<UserAccount>> RunAsync(HttpContext http, CreateUserRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var role = request.Role ?? "";
        var scopes = request.DistrictScopes ?? [];
        var grids = request.GridCodes ?? [];
        // A grid worker lies in its grids' counties: those decide whether the caller may create it.
        var decidingScopes = role == Roles.GridWorker ? (await accounts.ValidateGridsAsync(role, grids, scopes, [], ct)).DistrictScopes : [.. scopes];
        // A request without a known role, or a scoped role without districts, asks for nothing yet: it is answered with
        // what is missing (the account is not created), not as outside the caller's scope.
        var incomplete = !Roles.All.Contains(role) || (Roles.IsScoped(role) && decidingScopes.Count == 0);
        if (!incomplete && !UserAdministration.MayManage(http.User, role, decidingScopes))
        {
            return Outcome<UserAccount>.Refused(UserAdministration.OutsideScope());
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (user, errors) = await accounts.CreateAsync(request.UserName ?? "", request.Password ?? "", role, scopes, request.DisplayName, ct, request.ManagingUnit, grids);
        if (user is null)
        {
            var fieldErrors = new FieldErrors().AddRange(errors);
            return UserAccounts.OnlyNameTaken(errors) ? Outcome<UserAccount>.Conflict(fieldErrors, null) : Outcome<UserAccount>.Invalid(fieldErrors);
        }

        audit.Record(http, AuditActions.Create, AuthAudit.UserEntity, UserAdministration.Id(user), null, AuthAudit.Snapshot(user));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<UserAccount>.Done(user);
    }
}
