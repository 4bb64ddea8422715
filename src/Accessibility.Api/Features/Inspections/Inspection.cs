using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Inspections;

/// <summary>One supervision inspection (督导检查) of a facility: the judged checklist answers and the overall result.</summary>
public sealed class Inspection
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Id the client generated (crypto.randomUUID()); a repeated submission with it is the same inspection.</summary>
    public Guid ClientId { get; set; }

    /// <summary>SHA-256 of the submission as sent, to tell a retry (same) from a conflicting reuse of the client id.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>Inspected facility.</summary>
    public long FacilityId { get; set; }

    /// <summary>County-level district of the facility at the time of the inspection.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Inspector's account, null for generated demo data.</summary>
    public long? InspectorUserId { get; set; }

    /// <summary>Inspector's user name at the time.</summary>
    public required string InspectorName { get; set; }

    /// <summary>When the inspection took place (as the client says).</summary>
    public DateTimeOffset InspectedAt { get; set; }

    /// <summary>pass or fail.</summary>
    public required string Result { get; set; }

    /// <summary>Facility status the result set.</summary>
    public required string FacilityStatus { get; set; }

    /// <summary>Judged answers (<see cref="JudgedAnswer"/>), as returned.</summary>
    public JsonArray Answers { get; set; } = [];

    /// <summary>Inspector's note.</summary>
    public string? Note { get; set; }

    /// <summary>Photos of the whole inspection.</summary>
    public Guid[] PhotoIds { get; set; } = [];

    /// <summary>Generated (demo) or entered.</summary>
    public required string Source { get; set; }

    /// <summary>When the server stored it.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class InspectionConfiguration : IEntityTypeConfiguration<Inspection>
{
    public void Configure(EntityTypeBuilder<Inspection> b)
    {
        b.ToTable("inspections");
        b.Property(i => i.Fingerprint).HasMaxLength(64);
        b.Property(i => i.InspectorName).HasMaxLength(100);
        b.Property(i => i.Result).HasMaxLength(20);
        b.Property(i => i.FacilityStatus).HasMaxLength(30);
        b.Property(i => i.Note).HasMaxLength(4000);
        b.Property(i => i.Source).HasMaxLength(40);
        b.Property(i => i.Answers).HasColumnType("jsonb");
        b.Property(i => i.PhotoIds).HasColumnType("uuid[]");
        b.HasIndex(i => i.ClientId).IsUnique();
        b.HasIndex(i => new { i.FacilityId, i.InspectedAt });
        b.HasIndex(i => i.DistrictCode);
        b.HasOne<Facility>().WithMany().HasForeignKey(i => i.FacilityId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>
/// Months between inspections of a kind, copied at start-up from <c>data/facility-kinds.json</c> so that SQL
/// (schedule, worklist, the facility GeoJSON) can compute due dates.
/// </summary>
public sealed class KindInspectionInterval
{
    /// <summary>Facility kind code.</summary>
    public required string Kind { get; set; }

    /// <summary>Months between two inspections.</summary>
    public int Months { get; set; }
}

internal sealed class KindInspectionIntervalConfiguration : IEntityTypeConfiguration<KindInspectionInterval>
{
    public void Configure(EntityTypeBuilder<KindInspectionInterval> b)
    {
        b.ToTable("facility_kind_intervals");
        b.HasKey(k => k.Kind);
        b.Property(k => k.Kind).HasMaxLength(40);
    }
}
