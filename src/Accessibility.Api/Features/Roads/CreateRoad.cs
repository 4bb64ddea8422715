using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Roads;

/// <summary>
/// Use case: register a road segment (a LineString with its sidewalk, curb ramps and tactile paving), placed in the
/// district that contains its midpoint, audited. <c>POST /api/v1/roads</c> and the staff page both run it.
/// </summary>
public sealed class CreateRoad(RegistryDbContext db, FacilityKindCatalog catalog, AuditLog audit, TimeProvider clock)
{
    /// <summary>Registers the segment <paramref name="request"/> describes, as the request's user.</summary>
    public async Task<WriteOutcome> RunAsync(HttpContext http, RoadRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
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

        var (county, township, refusal) = await GeoRecordWrites<RoadSegment>.PlaceAsync(http, db, input.Geometry, request.DistrictCode, errors, ct, Operations.Create);
        if (refusal is not null)
        {
            return refusal;
        }

        var now = clock.GetUtcNow();
        var road = new RoadSegment
        {
            RoadClass = input.RoadClass,
            Geometry = input.Geometry,
            DistrictCode = county,
            Source = input.Source ?? "manual",
            CreatedAt = now,
        };
        input.ApplyTo(road, county, township, now);
        return await RoadInput.Writes.CreateAsync(http, db, audit, road, ct, validFrom);
    }
}
