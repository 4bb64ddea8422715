using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Use case: register a household (status identified). The ID number is checked (GB 11643), stored encrypted and
/// hashed against duplicates; the registration is written to the audit log and the workflow history.
/// </summary>
public sealed class RegisterRenovationCase(
    RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, PhotoStore photos, AuditLog audit, TimeProvider clock)
{
    /// <summary>Registers the case of <paramref name="request"/> for the signed-in planner or district administrator.</summary>
    public async Task<RenovationOutcome<RenovationCaseDetail>> RegisterAsync(HttpContext http, RenovationCaseRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var today = RenovationCaseRules.Today(clock);
        var errors = new Infrastructure.FieldErrors();
        var input = await RenovationCaseValidation.ValidateAsync(request, null, db, catalog, photos, today, errors, ct);
        if (input is null)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(errors.ToResult());
        }

        if (await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.RenovationCase, input.DistrictCode)) is { } denied)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(denied);
        }

        var hash = protector.Hash(input.IdNumber!);
        if (await RenovationCaseRules.DuplicateAsync(db, hash, null, ct) is { } other)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(RenovationCaseRules.Duplicate(http.User, other));
        }

        var now = clock.GetUtcNow();
        var c = new RenovationCase
        {
            DistrictCode = input.DistrictCode,
            Status = RenovationWorkflow.Identified,
            StatusChangedAt = now,
            PersonName = input.PersonName,
            IdNumberCipher = protector.Encrypt(input.IdNumber!, RenovationCaseRules.IdField),
            IdNumberHash = hash,
            DisabilityCategory = input.Request.DisabilityCategory!,
            Eligibility = input.Request.Eligibility!,
            Address = input.Address,
            Location = input.Location,
            IdentifiedOn = input.Request.IdentifiedOn ?? today,
            Source = Text.Clean(input.Request.Source) ?? "manual",
            CreatedAt = now,
        };
        input.ApplyTo(c, protector, now);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.RenovationCases.Add(c);
        await db.SaveChangesAsync(ct);
        RenovationCaseRules.AddEvent(db, http, c.Id, null, RenovationWorkflow.Identified, RenovationCaseRules.RoleOf(http.User, [Roles.Planner, Roles.DistrictAdmin]), null, now);
        audit.Record(http, AuditActions.Create, RenovationEndpoints.AuditEntityType, WriteResults.Id(c.Id), null, RenovationCaseViews.AuditSnapshot(c, protector));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return RenovationOutcome.Success(await RenovationCaseViews.DetailAsync(c, http.User, db, protector, catalog, ct));
    }
}
