using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Roads;

/// <summary>Use case: soft-delete a road segment (hidden from lists, kept for the audit trail).</summary>
public sealed class DeleteRoad(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Deletes segment <paramref name="id"/>, at <paramref name="expectedVersion"/> when given.</summary>
    public Task<WriteOutcome> RunAsync(HttpContext http, long id, long? expectedVersion, CancellationToken ct) =>
        RoadInput.Writes.DeleteAsync(id, expectedVersion, http, db, audit, clock, ct);
}
