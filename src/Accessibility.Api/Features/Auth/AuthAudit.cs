using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// What sign-ins, tokens and account changes write to the <see cref="Audit.AuditLog"/>: entity types, the
/// command-line actor, and snapshots that never hold a password, its hash or a token secret.
/// </summary>
internal static class AuthAudit
{
    /// <summary>The entity type of user account entries.</summary>
    public const string UserEntity = "user";

    /// <summary>The entity type of personal token entries.</summary>
    public const string TokenEntity = "api_token";

    /// <summary>The actor of changes made from the command line.</summary>
    public const string CommandLine = "system";

    /// <summary>What the audit log keeps of an account: everything but the password hash and lockout counter.</summary>
    public static JsonObject Snapshot(UserAccount user) => new()
    {
        ["userName"] = user.UserName,
        ["displayName"] = user.DisplayName,
        ["role"] = user.Role,
        ["districtScopes"] = new JsonArray([.. user.DistrictScopes.Select(c => JsonValue.Create(c))]),
        ["disabled"] = user.Disabled,
        ["managingUnit"] = user.ManagingUnit,
        ["gridCodes"] = new JsonArray([.. user.GridCodes.Select(c => JsonValue.Create(c))]),
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
}
