using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Defects;

/// <summary>Defect statuses: open → assigned → fixed → verified, reopened when a re-inspection still fails; or rejected.</summary>
public static class DefectStatuses
{
    /// <summary>Found, not yet assigned.</summary>
    public const string Open = "open";

    /// <summary>Assigned to the managing unit.</summary>
    public const string Assigned = "assigned";

    /// <summary>Reported fixed, awaiting a re-inspection.</summary>
    public const string Fixed = "fixed";

    /// <summary>Confirmed fixed by a re-inspection (closed).</summary>
    public const string Verified = "verified";

    /// <summary>Rejected with a reason (closed).</summary>
    public const string Rejected = "rejected";

    /// <summary>Statuses of a defect not yet closed.</summary>
    public static readonly IReadOnlyList<string> Active = [Open, Assigned, Fixed];

    /// <summary>Every status.</summary>
    public static readonly IReadOnlyList<string> All = [Open, Assigned, Fixed, Verified, Rejected];
}

/// <summary>A defect (缺陷) found by an inspection: one failed checklist item of one facility.</summary>
public sealed class Defect
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Facility.</summary>
    public long FacilityId { get; set; }

    /// <summary>Inspection that found it.</summary>
    public long InspectionId { get; set; }

    /// <summary>County-level district of the facility.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Checklist item code.</summary>
    public required string Item { get; set; }

    /// <summary>critical, major or minor.</summary>
    public required string Severity { get; set; }

    /// <summary>See <see cref="DefectStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Repair due by.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>Managing unit (管理责任单位) responsible for the repair.</summary>
    public string? ManagingUnit { get; set; }

    /// <summary>Where it is: the facility's point (CGCS2000).</summary>
    public required Point Location { get; set; }

    /// <summary>When it was found: the time of the inspection that found it.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last change.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it was verified (time of the passing re-inspection) or rejected.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>History, oldest first.</summary>
    public List<DefectEvent> Events { get; set; } = [];
}

/// <summary>One step in a defect's history.</summary>
public sealed class DefectEvent
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Defect.</summary>
    public long DefectId { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Account that made the change, null for generated data.</summary>
    public long? ActorUserId { get; set; }

    /// <summary>User name of the actor.</summary>
    public required string Actor { get; set; }

    /// <summary>Status before; null when the defect was created.</summary>
    public string? FromStatus { get; set; }

    /// <summary>Status after.</summary>
    public required string ToStatus { get; set; }

    /// <summary>Note, fix evidence or rejection reason.</summary>
    public string? Note { get; set; }

    /// <summary>Evidence photos.</summary>
    public Guid[] PhotoIds { get; set; } = [];

    /// <summary>The inspection that caused the change (found, verified, reopened), if any.</summary>
    public long? InspectionId { get; set; }
}

internal sealed class DefectConfiguration : IEntityTypeConfiguration<Defect>
{
    public void Configure(EntityTypeBuilder<Defect> b)
    {
        b.ToTable("defects");
        b.Property(d => d.Item).HasMaxLength(60);
        b.Property(d => d.Severity).HasMaxLength(20);
        b.Property(d => d.Status).HasMaxLength(20);
        b.Property(d => d.ManagingUnit).HasMaxLength(200);
        b.Property(d => d.Location).HasColumnType("geometry(Point,4490)");
        b.HasIndex(d => d.Location).HasMethod("gist");
        b.HasIndex(d => new { d.DistrictCode, d.Status });
        // At most one unclosed defect per facility and item: a re-inspection updates it instead of adding another.
        b.HasIndex(d => new { d.FacilityId, d.Item }).IsUnique().HasFilter("status IN ('open', 'assigned', 'fixed')");
        b.HasOne<Facility>().WithMany().HasForeignKey(d => d.FacilityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Inspection>().WithMany().HasForeignKey(d => d.InspectionId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(d => d.Events).WithOne().HasForeignKey(e => e.DefectId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DefectEventConfiguration : IEntityTypeConfiguration<DefectEvent>
{
    public void Configure(EntityTypeBuilder<DefectEvent> b)
    {
        b.ToTable("defect_events");
        b.Property(e => e.Actor).HasMaxLength(100);
        b.Property(e => e.FromStatus).HasMaxLength(20);
        b.Property(e => e.ToStatus).HasMaxLength(20);
        b.Property(e => e.Note).HasMaxLength(4000);
        b.Property(e => e.PhotoIds).HasColumnType("uuid[]");
        b.HasIndex(e => e.DefectId);
        b.HasIndex(e => e.InspectionId);
        b.HasOne<Inspection>().WithMany().HasForeignKey(e => e.InspectionId).OnDelete(DeleteBehavior.Restrict);
    }
}
