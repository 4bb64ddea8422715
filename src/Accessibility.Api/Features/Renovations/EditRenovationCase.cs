using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Use case: replace a case's data (not its status) against the version read. A changed ID number is checked for
/// duplicates again; the change is written to the audit log with the masked state before and after.
/// </summary>
public sealed class EditRenovationCase(
    RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, PhotoStore photos, AuditLog audit, TimeProvider clock)
{
    /// <summary>Edits case <paramref name="id"/>; <paramref name="expectedVersion"/> is the version the user read.</summary>
    public async Task<RenovationOutcome<RenovationCaseDetail>> EditAsync(
        HttpContext http, long id, RenovationCaseRequest request, long? expectedVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var c = await db.RenovationCases.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !await http.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.RenovationCase, c.DistrictCode)))
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(RenovationCaseRules.NotFound(id));
        }

        if (expectedVersion is null)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(
                JsonBody.Invalid(StatusCodes.Status428PreconditionRequired, "version", "Send the version you read, as If-Match or version."));
        }

        var errors = new FieldErrors();
        var input = await RenovationCaseValidation.ValidateAsync(request, c, db, catalog, photos, RenovationCaseRules.Today(clock), errors, ct);
        if (input is null)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(errors.ToResult());
        }

        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.RenovationCase, input.DistrictCode)) is { } denied)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(denied);
        }

        if (input.IdNumber is not null)
        {
            var hash = protector.Hash(input.IdNumber);
            if (await RenovationCaseRules.DuplicateAsync(db, hash, id, ct) is { } other)
            {
                return RenovationOutcome<RenovationCaseDetail>.Refused(RenovationCaseRules.Duplicate(http.User, other));
            }

            c.IdNumberHash = hash;
            c.IdNumberCipher = protector.Encrypt(input.IdNumber, RenovationCaseRules.IdField);
        }

        if (c.Version != expectedVersion)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(RenovationCaseRules.Stale(c.Version));
        }

        var before = RenovationCaseViews.AuditSnapshot(c, protector);
        c.DistrictCode = input.DistrictCode;
        c.PersonName = input.PersonName;
        c.DisabilityCategory = request.DisabilityCategory!;
        c.Eligibility = request.Eligibility!;
        c.Address = input.Address;
        c.Location = input.Location;
        c.IdentifiedOn = request.IdentifiedOn ?? c.IdentifiedOn;
        input.ApplyTo(c, protector, clock.GetUtcNow());
        audit.Record(http, AuditActions.Update, RenovationEndpoints.AuditEntityType, WriteResults.Id(id), before, RenovationCaseViews.AuditSnapshot(c, protector));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return RenovationOutcome<RenovationCaseDetail>.Refused(RenovationCaseRules.Stale(null));
        }

        return RenovationOutcome.Success(await RenovationCaseViews.DetailAsync(c, http.User, db, protector, catalog, ct));
    }
}
