using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Sharing;

/// <summary>Use case: the API keys the caller manages, with their requests in the last 30 days (never their secrets).</summary>
public sealed class ListApiKeys(RegistryDbContext db, NpgsqlDataSource dataSource, ApiKeyUsageRecorder usage, TimeProvider clock)
{
    /// <summary>Days of usage counted in <see cref="ApiKeySummary.RequestsLast30Days"/>.</summary>
    public const int DefaultUsageDays = 30;

    /// <summary>The keys <paramref name="http"/>'s caller manages, oldest first.</summary>
    public async Task<IReadOnlyList<ApiKeySummary>> RunAsync(HttpContext http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        // Counts of this instance first, so that last use and requests include what was just done.
        await usage.FlushAsync(ct);
        var now = clock.GetUtcNow();
        // Few keys: the prefix-based scope check runs here rather than in SQL.
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);
        var requests = await RequestsAsync(now, ct);
        return keys.Where(k => ApiKeys.MayManage(http.User, k.DistrictCodes))
            .Select(k => ApiKeySummary.From(k, now, requests.GetValueOrDefault(k.Id))).ToList();
    }

    /// <summary>Key <paramref name="id"/>, if the caller manages it (a key outside their scope is "not found").</summary>
    public async Task<ApiKeySummary?> OneAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        await usage.FlushAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || !ApiKeys.MayManage(http.User, key.DistrictCodes))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        return ApiKeySummary.From(key, now, (await RequestsAsync(now, ct)).GetValueOrDefault(id));
    }

    private async Task<Dictionary<long, long>> RequestsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await SharingSql.RequestsSinceAsync(connection, ApiKeyUsageRecorder.Day(now).AddDays(1 - DefaultUsageDays), ct);
    }
}
