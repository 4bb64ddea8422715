using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// Use case: an administrator issues a read-only key to another department, scoped to districts (inside the
/// administrator's own) and layers. The secret is returned this once and never stored; the issue is audited.
/// </summary>
public sealed class IssueApiKey(RegistryDbContext db, ApiKeys keys, AuditLog audit, TimeProvider clock)
{
    /// <summary>Issues the key of <paramref name="request"/>.</summary>
    public async Task<Outcome<CreatedApiKey>> RunAsync(HttpContext http, CreateApiKeyRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var (districts, layers) = await keys.ValidateAsync(request, errors, ct);
        if (!errors.IsEmpty)
        {
            return Outcome<CreatedApiKey>.Invalid(errors);
        }

        if (!ApiKeys.MayManage(http.User, districts))
        {
            return Outcome<CreatedApiKey>.Refused(TypedResults.Problem(
                title: "Outside your scope",
                detail: "District administrators issue keys only for districts inside their own.",
                statusCode: StatusCodes.Status403Forbidden));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (key, secret) = await keys.CreateAsync(request, districts, layers, UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown", ct);
        audit.Record(http, AuditActions.Create, ApiKeys.AuditEntity, key.Id.ToString(CultureInfo.InvariantCulture), null, ApiKeys.Snapshot(key));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<CreatedApiKey>.Done(new CreatedApiKey(ApiKeySummary.From(key, clock.GetUtcNow(), 0), secret));
    }
}
