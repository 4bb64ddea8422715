using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>
/// The plan targets in force: today the table, as of a date the targets as they stood at the end of that day
/// (values then; a target retired later is still there, one adopted later is not) through <c>plan_targets_as_of</c>
/// (docs/history.md). Composable: callers filter and order it like <c>db.PlanTargets</c>.
/// </summary>
public static class PlanTargetsInForce
{
    /// <summary>The targets in force at <paramref name="asOf"/> (today when null), untracked.</summary>
    public static IQueryable<PlanTarget> Of(RegistryDbContext db, AsOf? asOf)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (asOf is null)
        {
            return db.PlanTargets.AsNoTracking();
        }

        // A past version has no row version of its own (xmin): 0, so it cannot be sent back as the version read.
        return db.PlanTargets.FromSqlRaw(
                "SELECT t.*, '0'::xid AS xmin FROM plan_targets_as_of(@as_of, @known_at) t",
                new NpgsqlParameter("as_of", asOf.Instant.ToUniversalTime()),
                new NpgsqlParameter("known_at", asOf.KnownAt.ToUniversalTime()))
            .AsNoTracking();
    }
}
