using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Use case: a district's priority weights and eligible households; read by planners and district administrators of the
/// district, set by its district administrators (audited).
/// </summary>
public sealed class DistrictRenovationSettings(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>The settings of <paramref name="district"/> (the default weights where none are stored).</summary>
    public async Task<RenovationOutcome<RenovationSettingsResponse>> GetAsync(HttpContext http, string? district, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (scope, _) = await RenovationCaseRules.DistrictScopeAsync(http, district, Operations.Read, ResourceKinds.RenovationPlan);
        if (scope is not null)
        {
            return RenovationOutcome<RenovationSettingsResponse>.Refused(scope);
        }

        var code = DistrictCodes.Normalize(district!);
        var s = await db.RenovationDistrictSettings.AsNoTracking().SingleOrDefaultAsync(x => x.DistrictCode == code, ct);
        return RenovationOutcome.Success(new RenovationSettingsResponse(code, PriorityScore.Weights(s?.Weights), s?.EligibleHouseholds, s?.Version ?? 0));
    }

    /// <summary>Whether the caller may change the settings of <paramref name="district"/> (a refusal when not).</summary>
    public static async Task<RenovationOutcome<bool>> MaySetAsync(HttpContext http, string? district)
    {
        var (scope, _) = await RenovationCaseRules.DistrictScopeAsync(http, district, Operations.Update, ResourceKinds.RenovationPlan);
        return scope is null ? RenovationOutcome.Success(true) : RenovationOutcome<bool>.Refused(scope);
    }

    /// <summary>Sets the weights and eligible households of <paramref name="district"/>.</summary>
    public async Task<RenovationOutcome<RenovationSettingsResponse>> SetAsync(HttpContext http, string? district, RenovationSettingsRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var (scope, _) = await RenovationCaseRules.DistrictScopeAsync(http, district, Operations.Update, ResourceKinds.RenovationPlan);
        if (scope is not null)
        {
            return RenovationOutcome<RenovationSettingsResponse>.Refused(scope);
        }

        var code = DistrictCodes.Normalize(district!);
        var errors = new FieldErrors();
        var weights = new JsonObject();
        foreach (var (term, weight) in request.Weights ?? [])
        {
            if (!PriorityScore.Terms.Contains(term, StringComparer.Ordinal))
            {
                errors.Add("weights." + term, "Unknown term; expected " + string.Join(", ", PriorityScore.Terms) + ".");
            }
            else if (weight is < 0 or > 1000)
            {
                errors.Add("weights." + term, "A weight is between 0 and 1000.");
            }
            else
            {
                weights[term] = weight;
            }
        }

        if (request.EligibleHouseholds is < 0)
        {
            errors.Add("eligibleHouseholds", "Zero or more.");
        }

        if (!await db.Districts.AnyAsync(d => d.Code == code, ct))
        {
            errors.Add("district", "No district has the code " + code + ".");
        }

        if (!errors.IsEmpty)
        {
            return RenovationOutcome<RenovationSettingsResponse>.Refused(errors.ToResult());
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await WriteLocks.LockAsync(db, "renovation_settings:" + code, ct);
        var s = await db.RenovationDistrictSettings.SingleOrDefaultAsync(x => x.DistrictCode == code, ct);
        var before = s is null ? null : new JsonObject { ["weights"] = s.Weights.DeepClone(), ["eligibleHouseholds"] = s.EligibleHouseholds };
        if (s is null)
        {
            s = new RenovationDistrictSettings { DistrictCode = code };
            db.RenovationDistrictSettings.Add(s);
        }

        s.Weights = weights;
        s.EligibleHouseholds = request.EligibleHouseholds;
        s.UpdatedAt = clock.GetUtcNow();
        audit.Record(http, before is null ? AuditActions.Create : AuditActions.Update, "renovation_settings", code, before,
            new JsonObject { ["weights"] = weights.DeepClone(), ["eligibleHouseholds"] = request.EligibleHouseholds });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return RenovationOutcome.Success(new RenovationSettingsResponse(code, PriorityScore.Weights(s.Weights), s.EligibleHouseholds, s.Version));
    }
}
