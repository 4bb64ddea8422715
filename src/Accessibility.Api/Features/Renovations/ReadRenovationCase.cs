using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Use case: read one case in full (ID number, phone, exact location). Only planners and district administrators of the
/// household's district may; every read is written to the audit log. Anyone else is told the case does not exist.
/// </summary>
public sealed class ReadRenovationCase(RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, AuditLog audit)
{
    /// <summary>Case <paramref name="id"/> in full, the read audited.</summary>
    public async Task<RenovationOutcome<RenovationCaseDetail>> ReadAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var c = await db.RenovationCases.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !await http.MayAsync(Operations.ReadPersonal, RegistryResource.In(ResourceKinds.RenovationCase, c.DistrictCode)))
        {
            // Not found, whether it does not exist or lies outside the caller's districts: no household's existence leaks.
            return RenovationOutcome<RenovationCaseDetail>.Refused(RenovationCaseRules.NotFound(id));
        }

        audit.Record(http, RenovationEndpoints.ReadAction, RenovationEndpoints.AuditEntityType, WriteResults.Id(id), null,
            new JsonObject { ["read"] = "detail", ["districtCode"] = c.DistrictCode });
        await db.SaveChangesAsync(ct);
        return RenovationOutcome.Success(await RenovationCaseViews.DetailAsync(c, http.User, db, protector, catalog, ct));
    }
}
