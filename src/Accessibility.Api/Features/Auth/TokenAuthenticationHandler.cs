using System.Security.Claims;
using System.Text.Encodings.Web;
using Accessibility.Api.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;personal token&gt;</c> against the stored SHA-256 hashes.</summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    RegistryDbContext db,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Scheme name.</summary>
    public const string SchemeName = "Token";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length == 0)
        {
            return AuthenticateResult.Fail("Empty bearer token.");
        }

        var hash = ApiTokens.Hash(secret);
        var now = clock.GetUtcNow();
        var token = await db.ApiTokens.Include(t => t.User)
            .SingleOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        if (token?.User is null || token.RevokedAt is not null || token.ExpiresAt <= now || token.User.Disabled)
        {
            return AuthenticateResult.Fail("Unknown, revoked or expired token.");
        }

        // Updated at most once a minute: a hot API client should not write on every request.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        var principal = UserPrincipal.Create(token.User, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}

/// <summary>Builds the claims of a signed-in account.</summary>
public static class UserPrincipal
{
    /// <summary>Name identifier, name, role and one claim per district in scope.</summary>
    public static ClaimsPrincipal Create(UserAccount user, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.Role, user.Role),
        };
        claims.AddRange(user.DistrictScopes.Select(code => new Claim(RegistryClaims.DistrictScope, code)));
        if (user.ManagingUnit is { } unit)
        {
            claims.Add(new Claim(RegistryClaims.ManagingUnit, unit));
        }

        claims.AddRange(user.GridCodes.Select(code => new Claim(RegistryClaims.Grid, code)));

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The managing unit of a managing-unit account, or null.</summary>
    public static string? ManagingUnit(ClaimsPrincipal user) => user.FindFirstValue(RegistryClaims.ManagingUnit);

    /// <summary>The community grids (网格) of a grid-worker account; empty for other accounts.</summary>
    public static IReadOnlyList<string> Grids(ClaimsPrincipal user) =>
        [.. user.FindAll(RegistryClaims.Grid).Select(c => c.Value)];

    /// <summary>The account id of a signed-in principal, or null.</summary>
    public static long? UserId(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
}
