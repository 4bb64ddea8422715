using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;

namespace Accessibility.Api.Features.Facilities;

/// <summary>Use case: soft-delete a facility (hidden from lists, kept for the audit trail).</summary>
public sealed class DeleteFacility(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// Deletes facility <paramref name="id"/>, at <paramref name="expectedVersion"/> when given, in effect from
    /// <paramref name="validFrom"/> (a date or instant; now when absent).
    /// </summary>
    public async Task<WriteOutcome> RunAsync(HttpContext http, long id, long? expectedVersion, CancellationToken ct, string? validFrom = null)
    {
        var (effective, badValidFrom) = GeoRecordWrites<Facility>.ParseValidFrom(validFrom, clock);
        return badValidFrom ?? await FacilityInput.Writes.DeleteAsync(id, expectedVersion, http, db, audit, clock, ct, effective);
    }
}
