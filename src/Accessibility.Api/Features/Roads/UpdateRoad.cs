using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Roads;

/// <summary>
/// Use case: replace a road segment at the version the caller read. <c>PUT /api/v1/roads/{id}</c> and the staff
/// page "edit a road segment" both run it.
/// </summary>
public sealed class UpdateRoad(RegistryDbContext db, FacilityKindCatalog catalog, AuditLog audit, TimeProvider clock)
{
    /// <summary>Replaces segment <paramref name="id"/> with <paramref name="request"/> if it is still at <paramref name="expectedVersion"/> (else the request's version).</summary>
    public async Task<WriteOutcome> RunAsync(HttpContext http, long id, RoadRequest request, long? expectedVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Who may change the record is settled before anything about the request is answered.
        var (road, notWritable) = await RoadInput.Writes.LoadForWriteAsync(id, http, db, ct, Operations.Update);
        if (road is null)
        {
            return notWritable!;
        }

        if ((expectedVersion ?? request.Version) is not { } expected)
        {
            return GeoRecordWrites<RoadSegment>.VersionRequired();
        }

        var (validFrom, badValidFrom) = GeoRecordWrites<RoadSegment>.ParseValidFrom(request.ValidFrom, clock);
        if (badValidFrom is not null)
        {
            return badValidFrom;
        }

        var errors = new FieldErrors();
        if (RoadInput.Validate(request, catalog, errors) is not { } input)
        {
            return WriteOutcome.Invalid(errors);
        }

        var (county, township, refusal) = await GeoRecordWrites<RoadSegment>.PlaceAsync(http, db, input.Geometry, request.DistrictCode, errors, ct, Operations.Update);
        if (refusal is not null)
        {
            return refusal;
        }

        return await RoadInput.Writes.UpdateAsync(http, db, audit, road, expected, r =>
        {
            r.RoadClass = input.RoadClass;
            r.Geometry = input.Geometry;
            r.Source = input.Source ?? r.Source;
            input.ApplyTo(r, county, township, clock.GetUtcNow());
        }, ct, validFrom);
    }
}
