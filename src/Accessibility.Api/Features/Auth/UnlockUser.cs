using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>Use case: an administrator lifts the sign-in throttle on an account's name, from every address (audited).</summary>
public sealed class UnlockUser(RegistryDbContext db, SignInThrottling throttling, AuditLog audit)
{
    /// <summary>Audit action of an unlock.</summary>
    public const string AuditAction = "unlock";

    /// <summary>Unlocks account <paramref name="id"/>.</summary>
    public async Task<Outcome<UserSummary>> RunAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null || !UserAdministration.MayManage(http.User, user.Role, user.DistrictScopes))
        {
            return Outcome<UserSummary>.NotFound();
        }

        var wasLocked = (await throttling.ThrottledAccountsAsync(ct)).ContainsKey(user.UserName);
        // The name's count and every address's failures on it: the user may sign in again from anywhere.
        await throttling.ForgetAccountAsync(user.UserName, ct);
        // The account's districts go with the entry, so the administrators of those districts find it in the log.
        var state = AuthAudit.Snapshot(user);
        state["locked"] = wasLocked;
        var after = AuthAudit.Snapshot(user);
        after["locked"] = false;
        audit.Record(http, AuditAction, AuthAudit.UserEntity, UserAdministration.Id(user), state, after);
        await db.SaveChangesAsync(ct);
        return Outcome<UserSummary>.Done(UserSummary.From(user, null));
    }
}
