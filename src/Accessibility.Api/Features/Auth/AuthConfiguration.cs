using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Auth;

internal sealed class UserAccountConfiguration : IEntityTypeConfiguration<UserAccount>
{
    public void Configure(EntityTypeBuilder<UserAccount> b)
    {
        b.ToTable("users");
        b.Property(u => u.UserName).HasMaxLength(100);
        b.Property(u => u.DisplayName).HasMaxLength(100);
        b.Property(u => u.Role).HasMaxLength(30);
        b.Property(u => u.DistrictScopes).HasColumnType("text[]");
        b.Property(u => u.ManagingUnit).HasMaxLength(200);
        b.Property(u => u.GridCodes).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        // Login names are unique regardless of case.
        b.HasIndex(u => u.UserName).IsUnique().HasDatabaseName("ix_users_user_name_lower");
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("api_tokens");
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.Property(t => t.Prefix).HasMaxLength(16);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("user_sessions");
        // The id is chosen at random by the service, never by the database.
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.RemoteAddress).HasMaxLength(45);
        b.HasIndex(s => s.UserId);
        b.HasIndex(s => s.CreatedAt);
        b.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> b)
    {
        b.ToTable("sign_in_throttles");
        b.HasKey(t => t.Key);
        b.Property(t => t.Key).HasMaxLength(200);
        b.HasIndex(t => t.LastFailureAt);
    }
}
