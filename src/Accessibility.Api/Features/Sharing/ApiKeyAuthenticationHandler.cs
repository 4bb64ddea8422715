using System.Text.Encodings.Web;
using Accessibility.Api.Features.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// Authenticates a department's API key, sent as <c>X-Api-Key: &lt;secret&gt;</c>, <c>Authorization: ApiKey &lt;secret&gt;</c>
/// or, for GIS clients that cannot set headers, the query parameter <c>api-key</c>; checked against the stored SHA-256 hashes.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Scheme name, and the authentication type of a key's principal.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>Header that carries the key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>Query parameter that carries the key (it ends up in logs and links: see docs/sharing.md).</summary>
    public const string QueryParameter = "api-key";

    /// <summary>Secrets of keys start with this, unlike personal tokens (<see cref="ApiTokens.SecretPrefix"/>).</summary>
    public const string SecretPrefix = "acrk_";

    private const string AuthorizationScheme = "ApiKey ";

    /// <summary>True when the request carries a key in any of the three places, even an empty one.</summary>
    public static bool IsApiKeyRequest(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        return request.Headers.ContainsKey(HeaderName)
            || request.Headers.Authorization.ToString().StartsWith(AuthorizationScheme, StringComparison.OrdinalIgnoreCase)
            || request.Query.ContainsKey(QueryParameter);
    }

    /// <summary>The key the request carries: the header first, then Authorization, then the query.</summary>
    private static string Secret(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header))
        {
            return header.ToString().Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(AuthorizationScheme, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[AuthorizationScheme.Length..].Trim();
        }

        return request.Query[QueryParameter].ToString().Trim();
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!IsApiKeyRequest(Context))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = Secret(Request);
        if (secret.Length == 0)
        {
            return AuthenticateResult.Fail("Empty API key.");
        }

        var hash = ApiTokens.Hash(secret);
        ApiKey? key;
        await using (var connection = await dataSource.OpenConnectionAsync(Context.RequestAborted))
        {
            key = await SharingSql.KeyByHashAsync(connection, hash, Context.RequestAborted);
        }

        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= clock.GetUtcNow())
        {
            return AuthenticateResult.Fail("Unknown, revoked or expired API key.");
        }

        // Last use is written with the usage counters (ApiKeyUsageRecorder), not here: no write per request.
        var principal = ApiKeyScope.Principal(key, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => ApiKeyAccess.UnauthorizedAsync(Context);

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiKeyAccess.ForbiddenAsync(Context, "Not shared through API keys", "API keys read shared layers only; this needs a signed-in account.");
}
