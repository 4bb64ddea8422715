using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Serializes concurrent writes of one logical record that may not exist yet (a district's budget for a year,
/// its settings): a row lock cannot guard a row that is about to be inserted, so two first writes would both
/// insert and one would fail on the unique key. A transaction-scoped advisory lock on the record's key makes
/// the second wait for the first and then update what the first inserted.
/// </summary>
public static class WriteLocks
{
    /// <summary>
    /// Takes <c>pg_advisory_xact_lock(hashtext(key))</c> in the current transaction of <paramref name="db"/>
    /// (which the caller must have begun); it is released at commit or rollback.
    /// </summary>
    public static async Task LockAsync(RegistryDbContext db, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({key}))", ct);
    }
}
