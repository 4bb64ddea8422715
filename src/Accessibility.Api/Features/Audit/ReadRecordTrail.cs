using Accessibility.Api.Infrastructure;
using Npgsql;

namespace Accessibility.Api.Features.Audit;

/// <summary>
/// Use case: the audit trail of one record, readable: who, when, which action, and what changed, field by field, before →
/// after. In the caller's districts (as <see cref="SearchAuditLog"/>); what a household entry changed is withheld from
/// whoever may not read the household.
/// </summary>
public sealed class ReadRecordTrail(NpgsqlDataSource dataSource)
{
    /// <summary>Most entries shown for one record.</summary>
    public const int MaxEntries = 1000;

    // The authorization kinds' spelling (plan-target) of the entity types the log uses (plan_target), so either works in a link.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["renovation-case"] = "renovation_case",
        ["plan-target"] = "plan_target",
        ["api-key"] = "api_key",
        ["api-token"] = "api_token",
    };

    /// <summary>The trail of <paramref name="entityType"/> <paramref name="entityId"/>, oldest first.</summary>
    public async Task<Outcome<RecordTrail>> RunAsync(HttpContext http, string? entityType, string? entityId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var errors = new FieldErrors();
        var type = entityType?.Trim() ?? "";
        type = Aliases.GetValueOrDefault(type, type);
        var id = entityId?.Trim() ?? "";
        if (type.Length is 0 or > 40)
        {
            errors.Add("entityType", "Required: the kind of record, e.g. facility (up to 40 characters).");
        }

        if (id.Length is 0 or > 40)
        {
            errors.Add("entityId", "Required: the record's id (up to 40 characters).");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<RecordTrail>.Invalid(errors);
        }

        var prefixes = SearchAuditLog.Prefixes(http);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (rows, matched) = await AuditSql.SearchAsync(connection, new AuditQuery(type, id, null, MaxEntries, 0, false), prefixes, ct);
        if (prefixes is not null && matched == 0 && await AuditSql.CountForEntityAsync(connection, type, id, ct) > 0)
        {
            return Outcome<RecordTrail>.Refused(TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Outside your districts",
                detail: "The history of " + type + " " + id + " is outside the districts you administer."));
        }

        var entries = new List<TrailEntry>(rows.Count);
        foreach (var row in rows)
        {
            var visible = await AuditPrivacy.MaySeeAsync(http, row);
            entries.Add(new TrailEntry(row.Id, row.At, row.Actor, row.Action, row.RemoteAddress, !visible,
                visible ? AuditChanges.Between(row.Before, row.After) : []));
        }

        return Outcome<RecordTrail>.Done(new RecordTrail(type, id, matched, entries));
    }
}

/// <summary>The audit trail of one record.</summary>
/// <param name="EntityType">Entity type as the log names it, e.g. facility.</param>
/// <param name="EntityId">The record's id.</param>
/// <param name="NumberMatched">Entries in all (only the first <see cref="ReadRecordTrail.MaxEntries"/> are listed).</param>
/// <param name="Entries">Oldest first.</param>
public sealed record RecordTrail(string EntityType, string EntityId, long NumberMatched, IReadOnlyList<TrailEntry> Entries);

/// <summary>One entry of a record's trail.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who: user name at the time, or system.</param>
/// <param name="Action">create, update, delete, revoke, …</param>
/// <param name="RemoteAddress">From where.</param>
/// <param name="Withheld">True when the record is a household the caller may not read: what changed is not shown.</param>
/// <param name="Changes">What changed, field by field (on create every field set, on delete every field removed).</param>
public sealed record TrailEntry(
    long Id, DateTimeOffset At, string Actor, string Action, string? RemoteAddress, bool Withheld, IReadOnlyList<FieldChange> Changes);
