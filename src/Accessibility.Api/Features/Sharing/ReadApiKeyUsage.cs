using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Sharing;

/// <summary>Use case: how much a key was used, per day (China Standard Time), layer and route.</summary>
public sealed class ReadApiKeyUsage(RegistryDbContext db, NpgsqlDataSource dataSource, ApiKeyUsageRecorder usage, TimeProvider clock)
{
    /// <summary>Longest usage period.</summary>
    public const int MaxUsageDays = 366;

    /// <summary>
    /// Usage of key <paramref name="id"/> from <paramref name="fromText"/> to <paramref name="toText"/> (YYYY-MM-DD; default
    /// the last 30 days); not found outside the caller's scope.
    /// </summary>
    public async Task<Outcome<ApiKeyUsageReport>> RunAsync(HttpContext http, long id, string? fromText, string? toText, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || !ApiKeys.MayManage(http.User, key.DistrictCodes))
        {
            return Outcome<ApiKeyUsageReport>.NotFound();
        }

        var errors = new FieldErrors();
        var today = ApiKeyUsageRecorder.Day(clock.GetUtcNow());
        var to = ParseDay(toText, "to", errors) ?? today;
        var from = ParseDay(fromText, "from", errors) ?? to.AddDays(1 - ListApiKeys.DefaultUsageDays);
        if (errors.IsEmpty && (from > to || to.DayNumber - from.DayNumber >= MaxUsageDays))
        {
            errors.Add("from", string.Create(CultureInfo.InvariantCulture, $"Expected from ≤ to, at most {MaxUsageDays} days apart."));
        }

        if (!errors.IsEmpty)
        {
            return Outcome<ApiKeyUsageReport>.Invalid(errors);
        }

        // Counts of this instance go in first, so what was just done shows (other instances write theirs within seconds).
        await usage.FlushAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await SharingSql.UsageAsync(connection, id, from, to, ct);
        var byLayer = rows.GroupBy(r => r.Layer, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Requests), StringComparer.Ordinal);
        return Outcome<ApiKeyUsageReport>.Done(new ApiKeyUsageReport(id, from, to, rows.Sum(r => r.Requests), byLayer, rows));
    }

    private static DateOnly? ParseDay(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, "Expected a day as YYYY-MM-DD.");
        return null;
    }
}
