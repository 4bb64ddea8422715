using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Roads;

/// <summary>Use case: soft-delete a road segment (hidden from lists, kept for the audit trail).</summary>
public sealed class DeleteRoad(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// Deletes segment <paramref name="id"/>, at <paramref name="expectedVersion"/> when given, in effect from
    /// <paramref name="validFrom"/> (a date or instant; now when absent).
    /// </summary>
    public async Task<WriteOutcome> RunAsync(HttpContext http, long id, long? expectedVersion, CancellationToken ct, string? validFrom = null)
    {
        var (effective, badValidFrom) = GeoRecordWrites<RoadSegment>.ParseValidFrom(validFrom, clock);
        return badValidFrom ?? await RoadInput.Writes.DeleteAsync(id, expectedVersion, http, db, audit, clock, ct, effective);
    }
}
