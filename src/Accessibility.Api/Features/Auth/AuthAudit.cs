using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Audit entries for sign-ins, tokens and account changes. Written directly through the context
/// until <c>Features/Audit/AuditLog.cs</c> exists; switch <see cref="Add"/> over to it then.
/// Never put passwords or token secrets into <c>before</c>/<c>after</c>.
/// </summary>
internal static class AuthAudit
{
    /// <summary>The entity type of user account entries.</summary>
    public const string UserEntity = "user";

    /// <summary>The entity type of personal token entries.</summary>
    public const string TokenEntity = "api_token";

    /// <summary>The actor of changes made from the command line.</summary>
    public const string CommandLine = "system";

    /// <summary>Adds an entry to the context; it is written by the caller's next <c>SaveChangesAsync</c>, with the change it records.</summary>
    public static void Add(
        RegistryDbContext db, TimeProvider clock, (long? Id, string Name) actor, string? remoteAddress,
        string action, string entityType, string entityId, JsonObject? before = null, JsonObject? after = null)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(),
            UserId = actor.Id,
            Actor = Truncate(actor.Name, 100),
            Action = action,
            EntityType = entityType,
            EntityId = Truncate(entityId, 40),
            Before = before,
            After = after,
            RemoteAddress = remoteAddress is null ? null : Truncate(remoteAddress, 64),
        });
    }

    /// <summary>The signed-in caller as an audit actor.</summary>
    public static (long? Id, string Name) Actor(ClaimsPrincipal user) =>
        (UserPrincipal.UserId(user), user.Identity?.Name ?? "anonymous");

    /// <summary>The remote address of a request.</summary>
    public static string? RemoteAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    /// <summary>What the audit log keeps of an account: everything but the password hash and lockout counter.</summary>
    public static JsonObject Snapshot(UserAccount user) => new()
    {
        ["userName"] = user.UserName,
        ["displayName"] = user.DisplayName,
        ["role"] = user.Role,
        ["districtScopes"] = new JsonArray([.. user.DistrictScopes.Select(c => JsonValue.Create(c))]),
        ["disabled"] = user.Disabled,
    };

    /// <summary>What the audit log keeps of a token: never the secret or its hash.</summary>
    public static JsonObject Snapshot(ApiToken token) => new()
    {
        ["userId"] = token.UserId,
        ["name"] = token.Name,
        ["prefix"] = token.Prefix,
        ["expiresAt"] = token.ExpiresAt,
        ["revokedAt"] = token.RevokedAt,
    };

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
