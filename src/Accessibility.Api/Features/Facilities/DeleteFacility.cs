using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;

namespace Accessibility.Api.Features.Facilities;

/// <summary>Use case: soft-delete a facility (hidden from lists, kept for the audit trail).</summary>
public sealed class DeleteFacility(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Deletes facility <paramref name="id"/>, at <paramref name="expectedVersion"/> when given.</summary>
    public Task<WriteOutcome> RunAsync(HttpContext http, long id, long? expectedVersion, CancellationToken ct) =>
        FacilityInput.Writes.DeleteAsync(id, expectedVersion, http, db, audit, clock, ct);
}
