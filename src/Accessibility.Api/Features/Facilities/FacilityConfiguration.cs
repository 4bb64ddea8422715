using Accessibility.Api.Features.Districts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Facilities;

internal sealed class FacilityConfiguration : IEntityTypeConfiguration<Facility>
{
    public void Configure(EntityTypeBuilder<Facility> b)
    {
        b.ToTable("facilities");
        b.Property(f => f.Kind).HasMaxLength(40);
        b.Property(f => f.Name).HasMaxLength(200);
        b.Property(f => f.Status).HasMaxLength(30);
        b.Property(f => f.Source).HasMaxLength(40);
        b.Property(f => f.ExternalId).HasMaxLength(100);
        b.Property(f => f.Geometry).HasColumnType("geometry(Geometry,4490)");
        b.Property(f => f.Attributes).HasColumnType("jsonb");
        b.Property(f => f.Version).IsRowVersion();
        b.Property(f => f.GridCode).HasMaxLength(12).ValueGeneratedOnAddOrUpdate();
        b.HasOne<District>().WithMany().HasForeignKey(f => f.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<District>().WithMany().HasForeignKey(f => f.TownshipCode).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(f => f.Geometry).HasMethod("gist");
        b.HasIndex(f => new { f.DistrictCode, f.Kind, f.Status });
        b.HasIndex(f => new { f.Source, f.ExternalId }).IsUnique().HasFilter("external_id IS NOT NULL");
    }
}
