using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.Property(a => a.Actor).HasMaxLength(100);
        b.Property(a => a.Action).HasMaxLength(40);
        b.Property(a => a.EntityType).HasMaxLength(40);
        b.Property(a => a.EntityId).HasMaxLength(40);
        b.Property(a => a.RemoteAddress).HasMaxLength(64);
        b.Property(a => a.Before).HasColumnType("jsonb");
        b.Property(a => a.After).HasColumnType("jsonb");
        b.HasIndex(a => new { a.EntityType, a.EntityId });
        b.HasIndex(a => a.At);
    }
}
