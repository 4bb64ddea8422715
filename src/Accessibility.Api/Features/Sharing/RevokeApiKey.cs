using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Sharing;

/// <summary>Use case: an administrator revokes a key; it stops working at once, its record and usage stay (audited).</summary>
public sealed class RevokeApiKey(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Audit action of a revocation.</summary>
    public const string AuditAction = "revoke";

    /// <summary>Revokes key <paramref name="id"/> (revoking a revoked key changes nothing); not found outside the caller's scope.</summary>
    public async Task<Outcome<ApiKey>> RunAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        // Keys outside the caller's scope are "not found": the caller may not learn that they exist.
        if (key is null || !ApiKeys.MayManage(http.User, key.DistrictCodes))
        {
            return Outcome<ApiKey>.NotFound();
        }

        if (key.RevokedAt is null)
        {
            var before = ApiKeys.Snapshot(key);
            key.RevokedAt = clock.GetUtcNow();
            audit.Record(http, AuditAction, ApiKeys.AuditEntity, key.Id.ToString(CultureInfo.InvariantCulture), before, ApiKeys.Snapshot(key));
            await db.SaveChangesAsync(ct);
        }

        return Outcome<ApiKey>.Done(key);
    }
}
