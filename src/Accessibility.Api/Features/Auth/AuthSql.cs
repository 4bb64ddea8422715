using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Auth;

/// <summary>SQL of sign-in throttling, which several instances of the service update at once, and of grid-worker accounts.</summary>
internal static class AuthSql
{
    /// <summary>The county of each registered community grid among <paramref name="gridCodes"/>, by grid code (unknown codes absent).</summary>
    public static async Task<Dictionary<string, string>> GridCountiesAsync(RegistryDbContext db, IReadOnlyCollection<string> gridCodes, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("SELECT code, county_code FROM community_grids WHERE code = ANY(@codes)", connection);
        command.Parameters.AddWithValue("codes", gridCodes.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var counties = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            counties[reader.GetString(0)] = reader.GetString(1);
        }

        return counties;
    }

    /// <summary>
    /// Counts one failed sign-in under <c>@key</c> in one statement, so that concurrent failures on several instances
    /// all count. The count restarts after a quiet <c>@window</c>; from the <c>@free</c>-th failure on the key is blocked for
    /// <c>@base_seconds</c> × 2^(failures − free), at most <c>@max_seconds</c> (the exponent is capped so
    /// that a long attack from many addresses cannot overflow it).
    /// </summary>
    public const string CountFailure = """
        INSERT INTO sign_in_throttles AS t (key, failures, last_failure_at, blocked_until)
        VALUES (@key, 1, @now, CASE WHEN 1 >= @free THEN @now + make_interval(secs => @base_seconds) END)
        ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN t.last_failure_at < @now - @window THEN 1 ELSE t.failures + 1 END,
            last_failure_at = @now,
            blocked_until = CASE
                WHEN (CASE WHEN t.last_failure_at < @now - @window THEN 1 ELSE t.failures + 1 END) >= @free
                THEN @now + make_interval(secs => least(
                    @base_seconds * power(2, least((CASE WHEN t.last_failure_at < @now - @window THEN 1 ELSE t.failures + 1 END) - @free, 16)),
                    @max_seconds))
            END
        """;
}
