using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>How a sign-in came out.</summary>
public enum SignInAnswer
{
    /// <summary>Signed in: the session cookie is set.</summary>
    SignedIn,

    /// <summary>The form is incomplete (see the field errors); nothing was looked up.</summary>
    Invalid,

    /// <summary>Unknown name, wrong password or disabled account: one answer for all three.</summary>
    Failed,

    /// <summary>Too many failed attempts from this address or for this name.</summary>
    Throttled,
}

/// <summary>The answer of <see cref="SignIn.SignInAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="User">The account, when signed in.</param>
/// <param name="Errors">Field errors (<c>userName</c>, <c>password</c>), when invalid.</param>
/// <param name="RetryAfterSeconds">Seconds to wait, when throttled, as <c>Retry-After</c> gives them.</param>
public sealed record SignInResult(SignInAnswer Outcome, UserAccount? User, IReadOnlyDictionary<string, string[]> Errors, string RetryAfterSeconds);

/// <summary>
/// Signing in and out with a user name and password: the one use case behind the API's <c>POST /api/v1/auth/login</c>
/// and the staff workspace's sign-in page, so both throttle, audit and start sessions alike.
/// </summary>
public sealed class SignIn(
    UserAccounts accounts, UserSessions sessions, SignInThrottling throttling, RegistryDbContext db, AuditLog audit)
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>Checks the name and password and, when they are right, starts a session (cookie) for <paramref name="http"/>.</summary>
    public async Task<SignInResult> SignInAsync(HttpContext http, string? userName, string? password, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(userName))
        {
            errors["userName"] = ["The user name is required."];
        }
        else if (userName.Any(char.IsControl))
        {
            // No user name holds control characters (PostgreSQL refuses NUL in text): said without looking any account up.
            errors["userName"] = ["A user name has no control characters."];
        }

        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = ["The password is required."];
        }

        if (errors.Count > 0)
        {
            return new SignInResult(SignInAnswer.Invalid, null, errors, "");
        }

        var name = userName!.Trim().ToLowerInvariant();
        var remote = http.Connection.RemoteIpAddress?.ToString();
        var address = remote ?? "unknown";
        // Whatever was typed as the name, cut to fit the audit log's actor column.
        var actor = name.Length <= 100 ? name : name[..100];

        // Checked before the password and answered alike for every name: a throttled name tells nothing about the account.
        if (await throttling.BlockedUntilAsync(name, address, ct) is { } until)
        {
            audit.Record(null, actor, remote, "login-throttled", AuthAudit.UserEntity, "unknown", null, null);
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInAnswer.Throttled, null, NoErrors, throttling.RetryAfter(until));
        }

        var outcome = await accounts.CheckPasswordAsync(name, password!, ct);
        if (outcome is { Result: SignInResultKind.Succeeded, User: { } user })
        {
            await throttling.ForgetAccountAsync(name, ct);
            http.User = await sessions.SignInAsync(http, user, ct);
            audit.Record(http, "login", AuthAudit.UserEntity, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null);
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInAnswer.SignedIn, user, NoErrors, "");
        }

        await throttling.CountFailureAsync(name, address, ct);
        // Unknown name, wrong password and disabled account all get the same answer; the audit log tells them apart.
        var known = await db.Users.AsNoTracking().Where(u => u.UserName == name).Select(u => (long?)u.Id).SingleOrDefaultAsync(ct);
        var reason = known is null ? "unknown-user" : outcome.Result == SignInResultKind.Disabled ? "disabled" : "wrong-password";
        audit.Record(null, actor, remote, "login-failed", AuthAudit.UserEntity,
            known?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown", null, new JsonObject { ["reason"] = reason });
        await db.SaveChangesAsync(ct);
        return new SignInResult(SignInAnswer.Failed, null, NoErrors, "");
    }

    /// <summary>Signs out: audits it and ends the session in the database, so that a copy of the cookie stops working too.</summary>
    public async Task SignOutAsync(HttpContext http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.User.Identity is { IsAuthenticated: true } && !AuthFeature.IsBearerRequest(http))
        {
            audit.Record(http, "logout", AuthAudit.UserEntity,
                UserPrincipal.UserId(http.User)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown", null, null);
            await db.SaveChangesAsync(ct);
        }

        await sessions.SignOutAsync(http, ct);
    }
}
