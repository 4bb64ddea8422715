using Accessibility.Api.Features.Districts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Roads;

internal sealed class RoadSegmentConfiguration : IEntityTypeConfiguration<RoadSegment>
{
    public void Configure(EntityTypeBuilder<RoadSegment> b)
    {
        b.ToTable("road_segments");
        b.Property(r => r.Name).HasMaxLength(200);
        b.Property(r => r.RoadClass).HasMaxLength(20);
        b.Property(r => r.TactilePaving).HasMaxLength(20);
        b.Property(r => r.Surface).HasMaxLength(40);
        b.Property(r => r.Status).HasMaxLength(30);
        b.Property(r => r.Source).HasMaxLength(40);
        b.Property(r => r.ExternalId).HasMaxLength(100);
        b.Property(r => r.Geometry).HasColumnType("geometry(LineString,4490)");
        b.Property(r => r.Attributes).HasColumnType("jsonb");
        b.Property(r => r.Version).IsRowVersion();
        b.HasOne<District>().WithMany().HasForeignKey(r => r.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<District>().WithMany().HasForeignKey(r => r.TownshipCode).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.GridCode).HasMaxLength(12).ValueGeneratedOnAddOrUpdate();
        b.HasIndex(r => r.Geometry).HasMethod("gist");
        b.HasIndex(r => new { r.DistrictCode, r.RoadClass });
        b.HasIndex(r => new { r.Source, r.ExternalId }).IsUnique().HasFilter("external_id IS NOT NULL");
    }
}
