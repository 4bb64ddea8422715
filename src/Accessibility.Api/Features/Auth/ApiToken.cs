namespace Accessibility.Api.Features.Auth;

/// <summary>A personal API token. Only its SHA-256 hash is stored; the secret is shown once.</summary>
public sealed class ApiToken
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Owner.</summary>
    public long UserId { get; set; }

    /// <summary>Owner navigation.</summary>
    public UserAccount? User { get; set; }

    /// <summary>What the token is for, chosen by its owner.</summary>
    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public required string TokenHash { get; set; }

    /// <summary>First characters of the secret, to tell tokens apart in lists.</summary>
    public required string Prefix { get; set; }

    /// <summary>When it was issued.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops working, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Set when revoked.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Last successful use.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}
