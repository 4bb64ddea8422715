using System.Text.Json.Nodes;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Reports;

/// <summary>
/// Report statuses. <c>new</c> awaits triage, <c>accepted</c> has a defect (or a task to register a missing
/// facility); <c>closed</c> (its defect verified) and <c>rejected</c> are closed. Open311 shows the first two as
/// <c>open</c> and the last two as <c>closed</c>. A duplicate keeps its own status and points to its primary.
/// </summary>
public static class ReportStatuses
{
    /// <summary>Awaiting triage.</summary>
    public const string New = "new";

    /// <summary>Accepted by district staff.</summary>
    public const string Accepted = "accepted";

    /// <summary>Closed: the problem was fixed (its defect verified).</summary>
    public const string Closed = "closed";

    /// <summary>Closed: rejected with a reason.</summary>
    public const string Rejected = "rejected";

    /// <summary>Open311 status of an internal one.</summary>
    public static string Open311(string status) => status is Closed or Rejected ? "closed" : "open";
}

/// <summary>A public report (群众报告) of an accessibility problem, filed through Open311 or the report page.</summary>
public sealed class Report
{
    /// <summary>Identifier; the public tracking number (Open311 <c>service_request_id</c>).</summary>
    public long Id { get; set; }

    /// <summary>Service code (category), see <see cref="ServiceCatalog"/>.</summary>
    public required string ServiceCode { get; set; }

    /// <summary>What the reporter wrote.</summary>
    public string? Description { get; set; }

    /// <summary>Open311 attributes answered (<c>attribute[code]</c>).</summary>
    public JsonObject Attributes { get; set; } = [];

    /// <summary>Where (CGCS2000).</summary>
    public required Point Location { get; set; }

    /// <summary>Address or landmark as given.</summary>
    public string? Address { get; set; }

    /// <summary>County-level district.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Township, where townships have boundaries.</summary>
    public string? TownshipCode { get; set; }

    /// <summary>See <see cref="ReportStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Latest public note on the status.</summary>
    public string? StatusNotes { get; set; }

    /// <summary>The facility the report is about, once known.</summary>
    public long? FacilityId { get; set; }

    /// <summary>The defect that an acceptance created or joined.</summary>
    public long? DefectId { get; set; }

    /// <summary>The report this one duplicates.</summary>
    public long? DuplicateOfId { get; set; }

    /// <summary>"Me too" confirmations by other members of the public.</summary>
    public int MeTooCount { get; set; }

    /// <summary>Uploaded photo (content-checked, EXIF removed).</summary>
    public Guid? PhotoId { get; set; }

    /// <summary>External media URL given by an Open311 client.</summary>
    public string? MediaUrl { get; set; }

    /// <summary>Contact: never in a public response.</summary>
    public string? Email { get; set; }

    /// <summary>Contact: never in a public response.</summary>
    public string? Phone { get; set; }

    /// <summary>Contact: never in a public response.</summary>
    public string? FirstName { get; set; }

    /// <summary>Contact: never in a public response.</summary>
    public string? LastName { get; set; }

    /// <summary>Open311 device id: never in a public response.</summary>
    public string? DeviceId { get; set; }

    /// <summary>Open311 account id: never in a public response.</summary>
    public string? AccountId { get; set; }

    /// <summary>SHA-256 of the reporter's key, which lets the reporter reopen the report.</summary>
    public string? ReporterKeyHash { get; set; }

    /// <summary>Account that filed it on a caller's behalf (hotline), null for anonymous.</summary>
    public long? SubmittedByUserId { get; set; }

    /// <summary>open311, web or hotline.</summary>
    public required string Source { get; set; }

    /// <summary>Filed at.</summary>
    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>Last change.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Closed or rejected at.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
}

/// <summary>One step of a report's public history.</summary>
public sealed class ReportEvent
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Report.</summary>
    public long ReportId { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Status before; null when filed.</summary>
    public string? FromStatus { get; set; }

    /// <summary>Status after.</summary>
    public required string ToStatus { get; set; }

    /// <summary>Public note.</summary>
    public string? Note { get; set; }

    /// <summary>Account that made the change; null for the public and the system.</summary>
    public long? ActorUserId { get; set; }
}

/// <summary>A status change to tell the reporter about (outbox): stored with the change, sent later.</summary>
public sealed class ReportNotification
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Report.</summary>
    public long ReportId { get; set; }

    /// <summary>Report status it announces.</summary>
    public required string Status { get; set; }

    /// <summary>Message text.</summary>
    public required string Message { get; set; }

    /// <summary>Stored at.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Delivered at; null while pending.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Delivery attempts.</summary>
    public int Attempts { get; set; }
}

internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> b)
    {
        b.ToTable("reports");
        b.Property(r => r.ServiceCode).HasMaxLength(40);
        b.Property(r => r.Description).HasMaxLength(ReportLimits.Description);
        b.Property(r => r.Attributes).HasColumnType("jsonb");
        b.Property(r => r.Location).HasColumnType("geometry(Point,4490)");
        b.Property(r => r.Address).HasMaxLength(ReportLimits.Address);
        b.Property(r => r.DistrictCode).HasMaxLength(12);
        b.Property(r => r.TownshipCode).HasMaxLength(12);
        b.Property(r => r.Status).HasMaxLength(20);
        b.Property(r => r.StatusNotes).HasMaxLength(4000);
        b.Property(r => r.MediaUrl).HasMaxLength(ReportLimits.MediaUrl);
        b.Property(r => r.Email).HasMaxLength(ReportLimits.Email);
        b.Property(r => r.Phone).HasMaxLength(ReportLimits.Phone);
        b.Property(r => r.FirstName).HasMaxLength(ReportLimits.Name);
        b.Property(r => r.LastName).HasMaxLength(ReportLimits.Name);
        b.Property(r => r.DeviceId).HasMaxLength(ReportLimits.Id);
        b.Property(r => r.AccountId).HasMaxLength(ReportLimits.Id);
        b.Property(r => r.ReporterKeyHash).HasMaxLength(64);
        b.Property(r => r.Source).HasMaxLength(20);
        b.HasIndex(r => r.Location).HasMethod("gist");
        b.HasIndex(r => new { r.DistrictCode, r.Status });
        b.HasIndex(r => r.RequestedAt);
        b.HasIndex(r => r.DefectId);
        b.HasIndex(r => r.DuplicateOfId);
        b.HasOne<Facility>().WithMany().HasForeignKey(r => r.FacilityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Defect>().WithMany().HasForeignKey(r => r.DefectId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Report>().WithMany().HasForeignKey(r => r.DuplicateOfId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReportEventConfiguration : IEntityTypeConfiguration<ReportEvent>
{
    public void Configure(EntityTypeBuilder<ReportEvent> b)
    {
        b.ToTable("report_events");
        b.Property(e => e.FromStatus).HasMaxLength(20);
        b.Property(e => e.ToStatus).HasMaxLength(20);
        b.Property(e => e.Note).HasMaxLength(4000);
        b.HasIndex(e => e.ReportId);
        b.HasOne<Report>().WithMany().HasForeignKey(e => e.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReportNotificationConfiguration : IEntityTypeConfiguration<ReportNotification>
{
    public void Configure(EntityTypeBuilder<ReportNotification> b)
    {
        b.ToTable("report_notifications");
        b.Property(n => n.Status).HasMaxLength(20);
        b.Property(n => n.Message).HasMaxLength(4000);
        // The dispatcher reads pending ones only.
        b.HasIndex(n => n.Id).HasFilter("sent_at IS NULL").HasDatabaseName("ix_report_notifications_pending");
        b.HasOne<Report>().WithMany().HasForeignKey(n => n.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Text limits of a report.</summary>
public static class ReportLimits
{
    /// <summary>Description, as the issue asks.</summary>
    public const int Description = 4000;

    /// <summary>Address or landmark.</summary>
    public const int Address = 500;

    /// <summary>media_url.</summary>
    public const int MediaUrl = 1000;

    /// <summary>E-mail (RFC 5321 path limit).</summary>
    public const int Email = 254;

    /// <summary>Phone.</summary>
    public const int Phone = 40;

    /// <summary>First and last name.</summary>
    public const int Name = 100;

    /// <summary>device_id and account_id.</summary>
    public const int Id = 100;

    /// <summary>One attribute value.</summary>
    public const int Attribute = 500;
}
