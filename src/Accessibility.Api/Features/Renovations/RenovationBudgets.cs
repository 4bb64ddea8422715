using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>Use case: set the budget allocated to renovations in a district for a year (district administrators; audited).</summary>
public sealed class RenovationBudgets(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    // The column is numeric(14, 2).
    private const decimal MaxAllocated = 999_999_999_999.99m;

    /// <summary>Sets the budget of <paramref name="district"/> for <paramref name="year"/>.</summary>
    public async Task<RenovationOutcome<RenovationBudget>> SetAsync(HttpContext http, string? district, int year, BudgetRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var (scope, _) = await RenovationCaseRules.DistrictScopeAsync(http, district, Operations.Update, ResourceKinds.RenovationPlan);
        if (scope is not null)
        {
            return RenovationOutcome<RenovationBudget>.Refused(scope);
        }

        var code = DistrictCodes.Normalize(district!);
        var errors = new FieldErrors();
        if (request.Allocated is not { } allocated || allocated < 0)
        {
            errors.Add("allocated", "Required: the amount allocated in yuan, zero or more.");
        }
        else if (allocated > MaxAllocated)
        {
            errors.Add("allocated", "At most 999999999999.99 yuan.");
        }

        if (year is < 2000 or > 2100)
        {
            errors.Add("year", "A year from 2000 to 2100.");
        }

        if (!await db.Districts.AnyAsync(d => d.Code == code, ct))
        {
            errors.Add("district", "No district has the code " + code + ".");
        }

        if (!errors.IsEmpty)
        {
            return RenovationOutcome<RenovationBudget>.Refused(errors.ToResult());
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await WriteLocks.LockAsync(db, "renovation_budget:" + code + "/" + year.ToString(CultureInfo.InvariantCulture), ct);
        var b = await db.RenovationBudgets.SingleOrDefaultAsync(x => x.DistrictCode == code && x.Year == year, ct);
        var before = b is null ? null : new JsonObject { ["allocated"] = b.Allocated };
        if (b is null)
        {
            b = new RenovationBudget { DistrictCode = code, Year = year };
            db.RenovationBudgets.Add(b);
        }

        b.Allocated = request.Allocated!.Value;
        b.UpdatedAt = clock.GetUtcNow();
        audit.Record(http, before is null ? AuditActions.Create : AuditActions.Update, "renovation_budget",
            code + "/" + year.ToString(CultureInfo.InvariantCulture), before, new JsonObject { ["allocated"] = b.Allocated });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return RenovationOutcome.Success(b);
    }
}
