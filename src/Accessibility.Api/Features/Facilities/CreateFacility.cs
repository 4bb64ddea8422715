using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// Use case: register a facility. Checked against its kind's schema, placed in the district that contains it (the
/// caller must be allowed to create there), stored with its audit entry. <c>POST /api/v1/facilities</c> and the
/// staff page "register a facility" both run it. A facility entered late names when it was built (<c>validFrom</c>).
/// </summary>
public sealed class CreateFacility(RegistryDbContext db, FacilityKindCatalog catalog, AuditLog audit, TimeProvider clock)
{
    /// <summary>Registers the facility <paramref name="request"/> describes, as the request's user.</summary>
    public async Task<WriteOutcome> RunAsync(HttpContext http, FacilityRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
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

        var (county, township, refusal) = await GeoRecordWrites<Facility>.PlaceAsync(http, db, input.Geometry, request.DistrictCode, errors, ct, Operations.Create);
        if (refusal is not null)
        {
            return refusal;
        }

        var now = clock.GetUtcNow();
        var facility = new Facility
        {
            Kind = input.Kind,
            Name = input.Name,
            Geometry = input.Geometry,
            Status = input.Status,
            DistrictCode = county,
            Source = input.Source ?? "manual",
            CreatedAt = now,
        };
        input.ApplyTo(facility, county, township, now);
        return await FacilityInput.Writes.CreateAsync(http, db, audit, facility, ct, validFrom);
    }
}
