using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Use case: an administrator sets a new password for an account whose user forgot theirs (audited, the password never).
/// The account's sessions end and the sign-in throttle on its name is lifted, so the user signs in afresh with the new one.
/// </summary>
public sealed class ResetUserPassword(UserAccounts accounts, UserSessions sessions, SignInThrottling throttling, RegistryDbContext db, AuditLog audit)
{
    /// <summary>Audit action of a reset.</summary>
    public const string AuditAction = "password-reset";

    /// <summary>Sets <paramref name="newPassword"/> on account <paramref name="id"/>.</summary>
    public async Task<Outcome<UserSummary>> RunAsync(HttpContext http, long id, string? newPassword, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null || !UserAdministration.MayManage(http.User, user.Role, user.DistrictScopes))
        {
            return Outcome<UserSummary>.NotFound();
        }

        if (newPassword is not { Length: >= UserAccounts.MinPasswordLength })
        {
            return Outcome<UserSummary>.Invalid(new FieldErrors().Add("newPassword", UserAccounts.PasswordRule));
        }

        if (user.Id == UserPrincipal.UserId(http.User))
        {
            // One's own password is changed with the current one (POST /api/v1/auth/password), not reset.
            return Outcome<UserSummary>.Conflict(new FieldErrors().Add("newPassword", "Change your own password in your account, with your current one."), TypedResults.Problem(
                title: "Cannot reset own password",
                detail: "Change your own password with your current one (POST /api/v1/auth/password).",
                statusCode: StatusCodes.Status409Conflict));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        accounts.SetPassword(user, newPassword);
        var ended = await sessions.EndAllAsync(user.Id, ct);
        await throttling.ForgetAccountAsync(user.UserName, ct);
        // The account's districts go with the entry (so its administrators find it); the password never does.
        var after = AuthAudit.Snapshot(user);
        after["sessionsEnded"] = ended;
        audit.Record(http, AuditAction, AuthAudit.UserEntity, UserAdministration.Id(user), AuthAudit.Snapshot(user), after);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<UserSummary>.Done(UserSummary.From(user, null));
    }
}
