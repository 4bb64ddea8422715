using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Imports;

/// <summary>
/// A facility import started from the page: its state and progress, written by the instance that runs it about once
/// a second, so that any instance behind a load balancer can answer the page's polls.
/// </summary>
public sealed class ImportJob
{
    /// <summary>queued, running, imported (rows written), rejected (nothing written, with a report), failed.</summary>
    public static readonly IReadOnlyList<string> States = ["queued", "running", "imported", "rejected", "failed"];

    /// <summary>Identifier (also the address of its status).</summary>
    public Guid Id { get; set; }

    /// <summary>Who started it (only they, and system administrators, see it).</summary>
    public long? UserId { get; set; }

    /// <summary>Name of the uploaded file.</summary>
    public required string FileName { get; set; }

    /// <summary>What the file was recognised as.</summary>
    public string? Format { get; set; }

    /// <summary>One of <see cref="States"/>.</summary>
    public required string State { get; set; }

    /// <summary>read, place or write while running.</summary>
    public string? Phase { get; set; }

    /// <summary>Rows read so far.</summary>
    public long Rows { get; set; }

    /// <summary>Bytes read so far (OSM files are read twice: this counts up to twice the file's size, halved).</summary>
    public long BytesRead { get; set; }

    /// <summary>Size of the file.</summary>
    public long BytesTotal { get; set; }

    /// <summary>When it was uploaded.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it started running.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Last heartbeat of the instance that holds it; a job not heard of for a while was interrupted.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The import's outcome (counts and rejection report), once finished.</summary>
    public JsonObject? Outcome { get; set; }

    /// <summary>Why it failed (not a rejection: an interruption or an error).</summary>
    public string? Error { get; set; }
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> b)
    {
        b.ToTable("import_jobs");
        b.Property(j => j.FileName).HasMaxLength(260);
        b.Property(j => j.Format).HasMaxLength(20);
        b.Property(j => j.State).HasMaxLength(20);
        b.Property(j => j.Phase).HasMaxLength(20);
        b.Property(j => j.Outcome).HasColumnType("jsonb");
        b.Property(j => j.Error).HasMaxLength(2000);
        b.HasIndex(j => new { j.UserId, j.CreatedAt });
    }
}
