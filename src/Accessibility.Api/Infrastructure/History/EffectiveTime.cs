using System.Data.Common;
using System.Globalization;
using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Accessibility.Api.Infrastructure.History;

/// <summary>
/// When a write takes effect. By default a change counts from the moment it is recorded; a correction entered late
/// names its <c>validFrom</c> (a ramp built in March, registered in June, counts from March). The time is handed to the
/// database for the transaction (<c>registry.valid_from</c>), where the history triggers stamp every row the
/// transaction writes with it (docs/history.md). It may not be in the future nor before the record's current state
/// (the triggers refuse it with SQL state 22V01/22V02; <see cref="CheckAgainst"/> names the field first).
/// </summary>
public static class EffectiveTime
{
    /// <summary>The request field of the effective time.</summary>
    public const string Field = "validFrom";

    /// <summary>SQL state of a validFrom before the record's current state (raised by the history trigger).</summary>
    public const string BeforeCurrentState = "22V01";

    /// <summary>SQL state of a validFrom in the future (raised by the history trigger).</summary>
    public const string InFuture = "22V02";

    /// <summary>
    /// A <c>validFrom</c> value: a date (<c>yyyy-MM-dd</c>, the start of the day in China Standard Time) or an ISO 8601
    /// instant with its offset; null when absent. Not in the future, not before 2000. Returned in UTC.
    /// </summary>
    public static DateTimeOffset? Parse(string? text, TimeProvider clock, FieldErrors errors, string field = Field)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim();
        DateTimeOffset value;
        if (DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), AsOf.ChinaStandardTime);
        }
        else if (t.Length > 10 && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
                 && (t.EndsWith('Z') || t.EndsWith('z') || t[^6] is '+' or '-'))
        {
            value = instant;
        }
        else
        {
            errors.Add(field, "Expected a date (yyyy-MM-dd, China Standard Time) or an ISO 8601 date and time with its offset.");
            return null;
        }

        if (value > clock.GetUtcNow())
        {
            errors.Add(field, "Must not be in the future: a change takes effect when it has happened.");
            return null;
        }

        if (value < new DateTimeOffset(AsOf.Earliest.ToDateTime(TimeOnly.MinValue), AsOf.ChinaStandardTime))
        {
            errors.Add(field, "Expected a date from 2000-01-01.");
            return null;
        }

        // Npgsql writes timestamptz only from UTC offsets: the instant is the same.
        return value.ToUniversalTime();
    }

    /// <summary>
    /// Adds an error on <paramref name="field"/> when <paramref name="validFrom"/> lies before <paramref name="currentSince"/>,
    /// the time the record's current state took effect: history before it is settled (a correction may end the current
    /// state, not rewrite the ones before it).
    /// </summary>
    public static void CheckAgainst(DateTimeOffset? validFrom, DateTimeOffset currentSince, FieldErrors errors, string field = Field)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (validFrom is { } v && v < currentSince)
        {
            errors.Add(field, string.Create(CultureInfo.InvariantCulture,
                $"Must not be before {currentSince.ToOffset(AsOf.ChinaStandardTime):yyyy-MM-dd HH:mm:ss zzz}, when the record's current state took effect."));
        }
    }

    /// <summary>When the current state of row <paramref name="id"/> of kept table <paramref name="table"/> took effect, or null when there is no such row.</summary>
    public static async Task<DateTimeOffset?> CurrentSinceAsync(NpgsqlConnection connection, string table, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        HistoryTables.Source(table, null);
        await using var command = new NpgsqlCommand($"SELECT valid_from FROM {table} WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(ct) is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    }

    /// <summary>
    /// Begins a transaction on <paramref name="db"/> whose writes take effect at <paramref name="validFrom"/> (now when
    /// null: the transaction is still begun, so the caller's writes stay one unit).
    /// </summary>
    public static async Task<IDbContextTransaction> BeginAsync(RegistryDbContext db, DateTimeOffset? validFrom, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = await db.Database.BeginTransactionAsync(ct);
        if (validFrom is { } v)
        {
            await ApplyAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), v, ct);
        }

        return transaction;
    }

    /// <summary>Makes the writes of open transaction <paramref name="transaction"/> take effect at <paramref name="validFrom"/>.</summary>
    public static async Task ApplyAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset validFrom, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT set_config('registry.valid_from', @v, true)";
        var p = command.CreateParameter();
        p.ParameterName = "v";
        p.Value = validFrom.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        command.Parameters.Add(p);
        await command.ExecuteNonQueryAsync(ct);
    }
}
