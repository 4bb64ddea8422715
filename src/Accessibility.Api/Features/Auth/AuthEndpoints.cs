using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Signing in and out of the page (session cookie with antiforgery), who am I, and one's own personal API tokens.
/// </summary>
public static class AuthEndpoints
{
    /// <summary>Longest lifetime a personal token may be given.</summary>
    public const int MaxTokenDays = 3650;

    /// <summary>Maps <c>/api/v1/auth/…</c>.</summary>
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth");

        auth.MapGet("/antiforgery", GetAntiforgeryToken)
            .WithName("GetAntiforgeryToken").AllowAnonymous()
            .WithSummary("Sets the antiforgery cookie and returns the token to send in the X-CSRF-TOKEN header.");
        auth.MapPost("/login", Login)
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .WithName("Login").AllowAnonymous()
            .WithSummary("Signs in with user name and password and sets the session cookie (antiforgery token required).");
        auth.MapPost("/logout", Logout)
            .WithName("Logout").AllowAnonymous()
            .WithSummary("Signs out: ends the session on the server (copies of the cookie stop working too) and clears the cookie.");
        auth.MapPost("/password", ChangePassword)
            .WithName("ChangeOwnPassword").RequireAccess(ResourceKinds.Account, Operations.Update)
            .WithSummary("Changes the caller's password (current password required) and ends all of the caller's sessions; a browser gets a new one.");
        auth.MapGet("/me", GetMe)
            .WithName("GetMe").RequireAccess(ResourceKinds.Account, Operations.Read)
            .WithSummary("The signed-in account: user name, role and district scopes.");
        auth.MapGet("/tokens", ListTokens)
            .WithName("ListOwnTokens").RequireAccess(ResourceKinds.Account, Operations.Read)
            .WithSummary("The caller's personal API tokens (never their secrets).");
        auth.MapPost("/tokens", CreateToken)
            .WithName("CreateOwnToken").RequireAccess(ResourceKinds.Account, Operations.Update)
            .WithSummary("Issues a personal API token for the caller; the secret is in this response only.");
        auth.MapDelete("/tokens/{id:long}", RevokeToken)
            .WithName("RevokeOwnToken").RequireAccess(ResourceKinds.Account, Operations.Update)
            .WithSummary("Revokes one of the caller's personal API tokens.");
        return app;
    }

    private static Ok<AntiforgeryToken> GetAntiforgeryToken(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return TypedResults.Ok(new AntiforgeryToken(tokens.RequestToken!, CsrfProtection.HeaderName));
    }

    private static async Task<Results<Ok<SignedIn>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext http, SignIn signIn, IAntiforgery antiforgery, CancellationToken ct)
    {
        var result = await signIn.SignInAsync(http, request.UserName, request.Password, ct);
        switch (result.Outcome)
        {
            case SignInAnswer.Invalid:
                return TypedResults.ValidationProblem(result.Errors);
            case SignInAnswer.Throttled:
                http.Response.Headers.RetryAfter = result.RetryAfterSeconds;
                return TooManyAttemptsProblem();
            case SignInAnswer.SignedIn:
                // The antiforgery token is bound to the user: hand out the signed-in user's token now.
                var tokens = antiforgery.GetAndStoreTokens(http);
                return TypedResults.Ok(new SignedIn(CurrentUser.From(result.User!), tokens.RequestToken!));
            default:
                return TypedResults.Problem(
                    title: "Sign-in failed",
                    detail: "Wrong user name or password.",
                    statusCode: StatusCodes.Status401Unauthorized);
        }
    }

    /// <summary>429 with Retry-After, the same for every user name.</summary>
    private static ProblemHttpResult TooManyAttempts(HttpContext http, SignInThrottling throttling, DateTimeOffset until)
    {
        http.Response.Headers.RetryAfter = throttling.RetryAfter(until);
        return TooManyAttemptsProblem();
    }

    private static ProblemHttpResult TooManyAttemptsProblem()
    {
        return TypedResults.Problem(
            title: "Too many sign-in attempts",
            // The wait is in Retry-After only: a body that never varies cannot tell two names apart.
            detail: "Too many failed sign-ins: try again later (Retry-After gives the seconds), or ask an administrator to lift the throttle.",
            statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static async Task<NoContent> Logout(HttpContext http, SignIn signIn, CancellationToken ct)
    {
        await signIn.SignOutAsync(http, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SignedIn>, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, ClaimsPrincipal caller, HttpContext http, UserAccounts accounts, UserSessions sessions,
        SignInThrottling throttling, RegistryDbContext db, AuditLog audit, IAntiforgery antiforgery, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            errors["currentPassword"] = ["The current password is required."];
        }

        if (request.NewPassword is not { Length: >= UserAccounts.MinPasswordLength })
        {
            errors["newPassword"] = [UserAccounts.PasswordRule];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (UserPrincipal.UserId(caller) is null || caller.Identity?.Name is not { } name)
        {
            // A department's API key is no account: it has no password.
            return TypedResults.Problem(title: "Not an account", detail: "Only a signed-in account has a password to change.",
                statusCode: StatusCodes.Status403Forbidden);
        }

        var remote = http.Connection.RemoteIpAddress?.ToString();
        var address = remote ?? "unknown";
        // A stolen session must not become a way to guess the password: the same throttle as signing in.
        if (await throttling.BlockedUntilAsync(name, address, ct) is { } until)
        {
            return TooManyAttempts(http, throttling, until);
        }

        var outcome = await accounts.CheckPasswordAsync(name, request.CurrentPassword!, ct);
        if (outcome is not { Result: SignInResultKind.Succeeded, User: { } user } || user.Id != UserPrincipal.UserId(caller))
        {
            await throttling.CountFailureAsync(name, address, ct);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["currentPassword"] = ["The current password is wrong."],
            });
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        accounts.SetPassword(user, request.NewPassword!);
        var ended = await sessions.EndAllAsync(user.Id, ct);
        audit.Record(http, "password-change", AuthAudit.UserEntity, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            null, new JsonObject { ["sessionsEnded"] = ended });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        // Every session ended, this one included; a browser gets a fresh one so it stays signed in, an API client keeps its token.
        if (!AuthFeature.IsBearerRequest(http))
        {
            await sessions.SignInAsync(http, user, ct);
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        return TypedResults.Ok(new SignedIn(CurrentUser.From(user), tokens.RequestToken!));
    }

    private static async Task<Results<Ok<CurrentUser>, UnauthorizedHttpResult>> GetMe(ClaimsPrincipal caller, RegistryDbContext db, CancellationToken ct)
    {
        var id = UserPrincipal.UserId(caller);
        var user = id is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
        return user is null ? TypedResults.Unauthorized() : TypedResults.Ok(CurrentUser.From(user));
    }

    private static async Task<Ok<List<TokenSummary>>> ListTokens(ClaimsPrincipal caller, RegistryDbContext db, CancellationToken ct)
    {
        var id = UserPrincipal.UserId(caller);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == id).OrderBy(t => t.Id).ToListAsync(ct);
        return TypedResults.Ok(tokens.Select(TokenSummary.From).ToList());
    }

    private static async Task<Results<Created<CreatedToken>, ValidationProblem>> CreateToken(
        CreateTokenRequest request, ClaimsPrincipal caller, HttpContext http, UserAccounts accounts, RegistryDbContext db,
        AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var errors = ValidateToken(request.Name, request.ExpiresInDays);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = UserPrincipal.UserId(caller)!.Value;
        var expiresAt = request.ExpiresInDays is { } days ? clock.GetUtcNow().AddDays(days) : (DateTimeOffset?)null;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (token, secret) = await accounts.CreateTokenAsync(userId, request.Name!.Trim(), expiresAt, ct);
        audit.Record(http, "create", AuthAudit.TokenEntity,
            token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, AuthAudit.Snapshot(token));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created(
            $"/api/v1/auth/tokens/{token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            new CreatedToken(token.Id, token.Name, token.Prefix, token.CreatedAt, token.ExpiresAt, secret));
    }

    /// <summary>Checks a token's name and lifetime; shared with the command line.</summary>
    internal static Dictionary<string, string[]> ValidateToken(string? name, int? expiresInDays)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
        {
            errors["name"] = ["A token name has 1 to 100 characters."];
        }

        if (expiresInDays is < 1 or > MaxTokenDays)
        {
            errors["expiresInDays"] = [$"A token expires in 1 to {MaxTokenDays} days, or never when left out."];
        }

        return errors;
    }

    private static async Task<Results<NoContent, NotFound>> RevokeToken(
        long id, ClaimsPrincipal caller, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var userId = UserPrincipal.UserId(caller);
        // Someone else's token is "not found": the caller may not learn that it exists.
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, ct);
        if (token is null)
        {
            return TypedResults.NotFound();
        }

        if (token.RevokedAt is null)
        {
            var before = AuthAudit.Snapshot(token);
            token.RevokedAt = clock.GetUtcNow();
            audit.Record(http, "revoke", AuthAudit.TokenEntity,
                token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), before, AuthAudit.Snapshot(token));
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.NoContent();
    }
}

/// <summary>The antiforgery request token and the header to send it in.</summary>
/// <param name="Token">Request token.</param>
/// <param name="HeaderName">Header that carries it: X-CSRF-TOKEN.</param>
public sealed record AntiforgeryToken(string Token, string HeaderName);

/// <summary>Sign-in request.</summary>
/// <param name="UserName">Login name (case-insensitive).</param>
/// <param name="Password">Password.</param>
public sealed record LoginRequest(string? UserName, string? Password);

/// <summary>Request to change one's own password.</summary>
/// <param name="CurrentPassword">The password now.</param>
/// <param name="NewPassword">The new password, at least 10 characters.</param>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>Answer to a successful sign-in.</summary>
/// <param name="User">The signed-in account.</param>
/// <param name="AntiforgeryToken">A new request token bound to the signed-in user, for the X-CSRF-TOKEN header.</param>
public sealed record SignedIn(CurrentUser User, string AntiforgeryToken);

/// <summary>The signed-in account.</summary>
/// <param name="Id">Account id.</param>
/// <param name="UserName">Login name.</param>
/// <param name="DisplayName">Name shown on the page.</param>
/// <param name="Role">Role.</param>
/// <param name="DistrictScopes">District codes the account acts in, with their children; empty for system administrators.</param>
/// <param name="ManagingUnit">For a managing-unit account: the unit it repairs for.</param>
public sealed record CurrentUser(long Id, string UserName, string? DisplayName, string Role, IReadOnlyList<string> DistrictScopes, string? ManagingUnit)
{
    internal static CurrentUser From(UserAccount user) => new(user.Id, user.UserName, user.DisplayName, user.Role, user.DistrictScopes, user.ManagingUnit);
}

/// <summary>Request for a personal token.</summary>
/// <param name="Name">What it is for (1–100 characters).</param>
/// <param name="ExpiresInDays">Lifetime in days (1–3650); never expires when left out.</param>
public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays);

/// <summary>A personal token as listed: never its secret.</summary>
/// <param name="Id">Token id.</param>
/// <param name="Name">What it is for.</param>
/// <param name="Prefix">First characters of the secret.</param>
/// <param name="CreatedAt">Issued.</param>
/// <param name="ExpiresAt">Stops working, if ever.</param>
/// <param name="LastUsedAt">Last use (to the minute).</param>
/// <param name="RevokedAt">Revoked, if it was.</param>
/// <param name="Revoked">True once revoked.</param>
public sealed record TokenSummary(
    long Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt, bool Revoked)
{
    internal static TokenSummary From(ApiToken t) =>
        new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.RevokedAt is not null);
}

/// <summary>A newly issued personal token, with its secret: shown this once.</summary>
/// <param name="Id">Token id.</param>
/// <param name="Name">What it is for.</param>
/// <param name="Prefix">First characters of the secret.</param>
/// <param name="CreatedAt">Issued.</param>
/// <param name="ExpiresAt">Stops working, if ever.</param>
/// <param name="Secret">Send as <c>Authorization: Bearer &lt;secret&gt;</c>. Not stored; cannot be shown again.</param>
public sealed record CreatedToken(long Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Secret);
