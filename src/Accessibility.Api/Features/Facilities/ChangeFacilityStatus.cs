using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// Use case: change only a facility's status (operational, defective but usable, unusable, under construction,
/// removed) at the version the caller read, audited like every other change.
/// </summary>
public sealed class ChangeFacilityStatus(RegistryDbContext db, FacilityKindCatalog catalog, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// Sets facility <paramref name="id"/>'s status to <paramref name="status"/> if it is still at <paramref name="expectedVersion"/>,
    /// in effect from <paramref name="validFrom"/> (a date or instant; now when absent).
    /// </summary>
    public async Task<WriteOutcome> RunAsync(HttpContext http, long id, string? status, long? expectedVersion, CancellationToken ct, string? validFrom = null)
    {
        var (facility, notWritable) = await FacilityInput.Writes.LoadForWriteAsync(id, http, db, ct, Operations.Update);
        if (facility is null)
        {
            return notWritable!;
        }

        if (expectedVersion is not { } expected)
        {
            return GeoRecordWrites<Facility>.VersionRequired();
        }

        var (effective, badValidFrom) = GeoRecordWrites<Facility>.ParseValidFrom(validFrom, clock);
        if (badValidFrom is not null)
        {
            return badValidFrom;
        }

        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(status))
        {
            errors.Add("status", "Choose a status.");
            return WriteOutcome.Invalid(errors);
        }

        var checkedStatus = Statuses.Check(catalog, status, errors);
        if (!errors.IsEmpty)
        {
            return WriteOutcome.Invalid(errors);
        }

        return await FacilityInput.Writes.UpdateAsync(http, db, audit, facility, expected, f =>
        {
            f.Status = checkedStatus;
            f.UpdatedAt = clock.GetUtcNow();
        }, ct, effective);
    }
}
