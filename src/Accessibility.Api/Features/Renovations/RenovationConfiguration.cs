using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Renovations;

internal sealed class RenovationCaseConfiguration : IEntityTypeConfiguration<RenovationCase>
{
    public void Configure(EntityTypeBuilder<RenovationCase> b)
    {
        b.ToTable("renovation_cases", t =>
        {
            t.HasCheckConstraint("ck_renovation_cases_grade", "disability_grade IN (1, 2)");
            t.HasCheckConstraint("ck_renovation_cases_costs",
                "(cost_estimate IS NULL OR cost_estimate >= 0) AND (subsidy IS NULL OR subsidy >= 0) AND (own_contribution IS NULL OR own_contribution >= 0) AND (final_cost IS NULL OR final_cost >= 0)");
            t.HasCheckConstraint("ck_renovation_cases_satisfaction", "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5");
        });
        b.Property(c => c.Status).HasMaxLength(20);
        b.Property(c => c.PersonName).HasMaxLength(100);
        b.Property(c => c.IdNumberCipher).HasColumnType("bytea");
        b.Property(c => c.IdNumberHash).HasColumnType("bytea");
        b.Property(c => c.PhoneCipher).HasColumnType("bytea");
        b.Property(c => c.DisabilityCategory).HasMaxLength(20);
        b.Property(c => c.Eligibility).HasMaxLength(20);
        b.Property(c => c.Address).HasMaxLength(300);
        b.Property(c => c.Location).HasColumnType("geometry(Point,4490)");
        b.Property(c => c.Items).HasColumnType("jsonb");
        b.Property(c => c.CostEstimate).HasPrecision(12, 2);
        b.Property(c => c.Subsidy).HasPrecision(12, 2);
        b.Property(c => c.OwnContribution).HasPrecision(12, 2);
        b.Property(c => c.FinalCost).HasPrecision(12, 2);
        b.Property(c => c.Contractor).HasMaxLength(200);
        b.Property(c => c.Source).HasMaxLength(40);
        b.Property(c => c.Version).IsRowVersion();
        b.HasOne<District>().WithMany().HasForeignKey(c => c.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<District>().WithMany().HasForeignKey(c => c.TownshipCode).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => c.Location).HasMethod("gist");
        b.HasIndex(c => new { c.DistrictCode, c.Status });
        b.HasIndex(c => c.IdNumberHash);
    }
}

internal sealed class RenovationCaseEventConfiguration : IEntityTypeConfiguration<RenovationCaseEvent>
{
    public void Configure(EntityTypeBuilder<RenovationCaseEvent> b)
    {
        b.ToTable("renovation_case_events");
        b.Property(e => e.FromStatus).HasMaxLength(20);
        b.Property(e => e.ToStatus).HasMaxLength(20);
        b.Property(e => e.Actor).HasMaxLength(100);
        b.Property(e => e.Role).HasMaxLength(20);
        b.Property(e => e.Note).HasMaxLength(1000);
        b.HasOne<RenovationCase>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<UserAccount>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => new { e.CaseId, e.At });
    }
}

internal sealed class RenovationDistrictSettingsConfiguration : IEntityTypeConfiguration<RenovationDistrictSettings>
{
    public void Configure(EntityTypeBuilder<RenovationDistrictSettings> b)
    {
        b.ToTable("renovation_district_settings", t => t.HasCheckConstraint("ck_renovation_settings_eligible", "eligible_households IS NULL OR eligible_households >= 0"));
        b.HasKey(s => s.DistrictCode);
        b.Property(s => s.Weights).HasColumnType("jsonb");
        b.Property(s => s.Version).IsRowVersion();
        b.HasOne<District>().WithMany().HasForeignKey(s => s.DistrictCode).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RenovationBudgetConfiguration : IEntityTypeConfiguration<RenovationBudget>
{
    public void Configure(EntityTypeBuilder<RenovationBudget> b)
    {
        b.ToTable("renovation_budgets", t => t.HasCheckConstraint("ck_renovation_budgets_allocated", "allocated >= 0"));
        b.HasKey(x => new { x.DistrictCode, x.Year });
        b.Property(x => x.Allocated).HasPrecision(14, 2);
        b.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Restrict);
    }
}
