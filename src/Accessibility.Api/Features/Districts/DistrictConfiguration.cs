using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Districts;

internal sealed class DistrictConfiguration : IEntityTypeConfiguration<District>
{
    public void Configure(EntityTypeBuilder<District> b)
    {
        b.ToTable("districts");
        b.HasKey(d => d.Code);
        b.Property(d => d.Code).HasMaxLength(12);
        b.Property(d => d.Name).HasMaxLength(100);
        b.Property(d => d.Level).HasConversion<short>();
        b.Property(d => d.ParentCode).HasMaxLength(12);
        b.HasOne<District>().WithMany().HasForeignKey(d => d.ParentCode).OnDelete(DeleteBehavior.Restrict);
        b.Property(d => d.Boundary).HasColumnType("geometry(MultiPolygon,4490)");
        b.HasIndex(d => d.Boundary).HasMethod("gist");
        b.HasIndex(d => d.ParentCode);
    }
}
