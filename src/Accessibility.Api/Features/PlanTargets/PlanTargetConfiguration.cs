using Accessibility.Api.Features.Districts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.PlanTargets;

internal sealed class PlanTargetConfiguration : IEntityTypeConfiguration<PlanTarget>
{
    public void Configure(EntityTypeBuilder<PlanTarget> b)
    {
        b.ToTable("plan_targets", t => t.HasCheckConstraint("ck_plan_targets_period", "period_end >= period_start"));
        b.HasOne<District>().WithMany().HasForeignKey(t => t.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        b.Property(t => t.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(t => t.Indicator).HasMaxLength(80);
        b.Property(t => t.Comparator).HasMaxLength(2);
        b.Property(t => t.Value).HasPrecision(14, 4);
        b.Property(t => t.Version).IsRowVersion();
        b.HasIndex(t => new { t.DistrictCode, t.Indicator });
    }
}
