using System.Security.Claims;
using Accessibility.Api.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Server-side sessions behind the session cookie: signing in starts one, signing out ends it, and a change of
/// password, role, districts or the disabling of an account ends all of the account's sessions. A cookie whose
/// session has ended is refused on its next request, wherever it was copied to.
/// </summary>
public sealed class UserSessions(RegistryDbContext db, TimeProvider clock)
{
    /// <summary>The claim that carries the session id in the cookie.</summary>
    public const string ClaimType = "session";

    /// <summary>A session ends this long after sign-in at the latest, however active (the cookie also ends after 8 idle hours).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    /// <summary>Starts a session for <paramref name="user"/> and sets the session cookie; returns the signed-in principal.</summary>
    public async Task<ClaimsPrincipal> SignInAsync(HttpContext http, UserAccount user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Sessions nobody signed out of end by age; sweep them here rather than in a background job.
        await db.UserSessions.Where(s => s.CreatedAt < now - MaxLifetime).ExecuteDeleteAsync(ct);
        var session = new UserSession
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            CreatedAt = now,
            RemoteAddress = http.Connection.RemoteIpAddress?.ToString(),
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);

        var principal = UserPrincipal.Create(user, CookieAuthenticationDefaults.AuthenticationScheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(ClaimType, session.Id.ToString("N")));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        http.User = principal;
        return principal;
    }

    /// <summary>Ends the session of this cookie (if any) and clears the cookie.</summary>
    public async Task SignOutAsync(HttpContext http, CancellationToken ct)
    {
        if (SessionId(http.User) is { } id)
        {
            await db.UserSessions.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>Ends every session of the account: after a change of password, role or districts, or when it is disabled.</summary>
    public Task<int> EndAllAsync(long userId, CancellationToken ct) =>
        db.UserSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);

    /// <summary>The account behind a live session, or null when the session has ended or never was.</summary>
    public Task<UserAccount?> FindAccountAsync(long userId, Guid sessionId, CancellationToken ct)
    {
        var oldest = clock.GetUtcNow() - MaxLifetime;
        return db.UserSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.UserId == userId && s.CreatedAt > oldest)
            .Select(s => s.User).SingleOrDefaultAsync(ct);
    }

    /// <summary>The session id a cookie principal carries, or null.</summary>
    public static Guid? SessionId(ClaimsPrincipal user) =>
        Guid.TryParseExact(user.FindFirstValue(ClaimType), "N", out var id) ? id : null;
}
