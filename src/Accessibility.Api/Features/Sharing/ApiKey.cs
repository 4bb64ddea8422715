using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// A read-only API key of another department (联通共享): it reads the <see cref="Layers"/> it was given, inside its
/// <see cref="DistrictCodes"/>, and nothing else. Only the SHA-256 of the secret is stored; the secret is shown once.
/// </summary>
public sealed class ApiKey
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>The department the key was issued to (e.g. 永济市民政局).</summary>
    public required string Department { get; set; }

    /// <summary>What the key is for: the sharing agreement, a contact.</summary>
    public string? Purpose { get; set; }

    /// <summary>Province, prefecture or county codes (GB/T 2260) the key reads, with everything inside them.</summary>
    public List<string> DistrictCodes { get; set; } = [];

    /// <summary>Shared layers the key reads (<see cref="SharedLayers.All"/>).</summary>
    public List<string> Layers { get; set; } = [];

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public required string KeyHash { get; set; }

    /// <summary>First characters of the secret, to tell keys apart in lists.</summary>
    public required string Prefix { get; set; }

    /// <summary>When it was issued.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Account that issued it; null from the command line.</summary>
    public long? CreatedByUserId { get; set; }

    /// <summary>Name of who issued it (<c>system</c> from the command line).</summary>
    public required string CreatedBy { get; set; }

    /// <summary>When it stops working, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Set when revoked.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Last use, as of the last flush of the usage counters.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>Requests made with one key on one day (China Standard Time) to one route of one layer.</summary>
public sealed class ApiKeyUsage
{
    /// <summary>The key.</summary>
    public long ApiKeyId { get; set; }

    /// <summary>Day in China Standard Time (UTC+8).</summary>
    public DateOnly Day { get; set; }

    /// <summary>Shared layer, or <c>reference</c> for reference data (districts, kinds, checklists, metadata).</summary>
    public required string Layer { get; set; }

    /// <summary>Route pattern, e.g. <c>/api/v1/facilities/{id:long}</c>.</summary>
    public required string Route { get; set; }

    /// <summary>Requests counted.</summary>
    public long Requests { get; set; }

    /// <summary>Latest of them.</summary>
    public DateTimeOffset LastUsedAt { get; set; }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.Property(k => k.Department).HasMaxLength(ApiKeyLimits.Department);
        b.Property(k => k.Purpose).HasMaxLength(ApiKeyLimits.Purpose);
        b.Property(k => k.DistrictCodes).HasColumnType("text[]");
        b.Property(k => k.Layers).HasColumnType("text[]");
        b.Property(k => k.KeyHash).HasMaxLength(64);
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.CreatedBy).HasMaxLength(100);
        b.HasIndex(k => k.KeyHash).IsUnique();
    }
}

internal sealed class ApiKeyUsageConfiguration : IEntityTypeConfiguration<ApiKeyUsage>
{
    public void Configure(EntityTypeBuilder<ApiKeyUsage> b)
    {
        b.ToTable("api_key_usage");
        b.HasKey(u => new { u.ApiKeyId, u.Day, u.Layer, u.Route });
        b.Property(u => u.Layer).HasMaxLength(40);
        b.Property(u => u.Route).HasMaxLength(200);
        b.HasOne<ApiKey>().WithMany().HasForeignKey(u => u.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Text limits of a key.</summary>
public static class ApiKeyLimits
{
    /// <summary>Department name.</summary>
    public const int Department = 200;

    /// <summary>Purpose.</summary>
    public const int Purpose = 500;

    /// <summary>Longest lifetime, days (as personal tokens).</summary>
    public const int MaxDays = Auth.AuthEndpoints.MaxTokenDays;
}
