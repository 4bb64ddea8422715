using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// Use case: replace a facility's name, position, attributes, status and managing unit at the version the caller
/// read, in effect now or from <c>validFrom</c> (a late correction). <c>PUT /api/v1/facilities/{id}</c> and the staff
/// page "edit attributes" both run it.
/// </summary>
public sealed class UpdateFacility(RegistryDbContext db, FacilityKindCatalog catalog, AuditLog audit, TimeProvider clock)
{
    /// <summary>Replaces facility <paramref name="id"/> with <paramref name="request"/> if it is still at <paramref name="expectedVersion"/> (else the request's version).</summary>
    public async Task<WriteOutcome> RunAsync(HttpContext http, long id, FacilityRequest request, long? expectedVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Who may change the record is settled before anything about the request is answered.
        var (facility, notWritable) = await FacilityInput.Writes.LoadForWriteAsync(id, http, db, ct, Operations.Update);
        if (facility is null)
        {
            return notWritable!;
        }

        if ((expectedVersion ?? request.Version) is not { } expected)
        {
            return GeoRecordWrites<Facility>.VersionRequired();
        }

        var (validFrom, badValidFrom) = GeoRecordWrites<Facility>.ParseValidFrom(request.ValidFrom, clock);
        if (badValidFrom is not null)
        {
            return badValidFrom;
        }

        var errors = new FieldErrors();
        if (FacilityInput.Validate(request, catalog, errors) is not { } input)
        {
            return WriteOutcome.Invalid(errors);
        }

        var (county, township, refusal) = await GeoRecordWrites<Facility>.PlaceAsync(http, db, input.Geometry, request.DistrictCode, errors, ct, Operations.Update);
        if (refusal is not null)
        {
            return refusal;
        }

        return await FacilityInput.Writes.UpdateAsync(http, db, audit, facility, expected, f =>
        {
            f.Kind = input.Kind;
            f.Name = input.Name;
            f.Geometry = input.Geometry;
            f.Status = input.Status;
            f.Source = input.Source ?? f.Source;
            input.ApplyTo(f, county, township, clock.GetUtcNow());
        }, ct, validFrom);
    }
}
