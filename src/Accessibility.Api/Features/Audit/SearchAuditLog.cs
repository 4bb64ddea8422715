using System.Globalization;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

namespace Accessibility.Api.Features.Audit;

/// <summary>
/// Use case: search the audit log: system administrators read every entry, district administrators the entries about
/// their districts; what a household entry stored is withheld from whoever may not read the household.
/// </summary>
public sealed class SearchAuditLog(NpgsqlDataSource dataSource)
{
    /// <summary>Largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// A page of entries; <paramref name="limit"/> and <paramref name="offset"/> as typed (checked here), the other
    /// criteria already cleaned (null: any).
    /// </summary>
    public async Task<Outcome<AuditSearchResult>> RunAsync(
        HttpContext http, string? entityType, string? entityId, string? actor, string? limit, string? offset, bool newestFirst, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var errors = new FieldErrors();
        var pageSize = Integer(limit, 100, 1, MaxLimit, "limit", errors);
        var skip = Integer(offset, 0, 0, int.MaxValue - MaxLimit, "offset", errors);
        if (entityType?.Length > 40)
        {
            errors.Add("entityType", "At most 40 characters.");
        }

        if (entityId?.Length > 40)
        {
            errors.Add("entityId", "At most 40 characters.");
        }

        if (actor?.Length > 100)
        {
            errors.Add("actor", "At most 100 characters.");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<AuditSearchResult>.Invalid(errors);
        }

        var query = new AuditQuery(entityType, entityId, actor, pageSize, skip, newestFirst);
        // A system administrator sees every entry; anyone else only entries about their districts.
        var prefixes = Prefixes(http);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (rows, matched) = await AuditSql.SearchAsync(connection, query, prefixes, ct);
        if (prefixes is not null && entityType is not null && entityId is not null && matched == 0
            && await AuditSql.CountForEntityAsync(connection, entityType, entityId, ct) > 0)
        {
            return Outcome<AuditSearchResult>.Refused(TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Outside your districts",
                detail: "The history of " + entityType + " " + entityId + " is outside the districts you administer."));
        }

        var entries = new List<AuditEntryView>(rows.Count);
        foreach (var row in rows)
        {
            entries.Add(await AuditPrivacy.MaySeeAsync(http, row) ? AuditEntryView.From(row) : AuditEntryView.WithoutStates(row));
        }

        return Outcome<AuditSearchResult>.Done(new AuditSearchResult(matched, pageSize, skip, entries));
    }

    /// <summary>The district prefixes the caller reads the log of, or null for all.</summary>
    internal static IReadOnlyList<string>? Prefixes(HttpContext http) =>
        ReadScope.For(http, ResourceKinds.Audit, Operations.Read).LikePatterns?.Select(p => p[..^1]).ToArray();

    private static int Integer(string? text, int fallback, int min, int max, string field, FieldErrors errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(field, FormattableString.Invariant($"Expected an integer from {min} to {max}."));
        return fallback;
    }
}

/// <summary>A page of the audit log.</summary>
/// <param name="NumberMatched">Entries matching in all.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Offset">Entries skipped.</param>
/// <param name="Entries">The entries of this page.</param>
public sealed record AuditSearchResult(long NumberMatched, int Limit, int Offset, IReadOnlyList<AuditEntryView> Entries);

/// <summary>An audit entry as the caller may see it.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="At">When.</param>
/// <param name="UserId">User id, if any.</param>
/// <param name="Actor">User name at the time, or system.</param>
/// <param name="Action">create, update, delete, …</param>
/// <param name="EntityType">Entity type.</param>
/// <param name="EntityId">Entity id.</param>
/// <param name="Before">State before (null on create, or withheld).</param>
/// <param name="After">State after (null on delete, or withheld).</param>
/// <param name="RemoteAddress">Remote address.</param>
/// <param name="Withheld">True when the entry describes a household the caller may not read: before and after are left out.</param>
public sealed record AuditEntryView(
    long Id, DateTimeOffset At, long? UserId, string Actor, string Action, string EntityType, string EntityId,
    System.Text.Json.Nodes.JsonObject? Before, System.Text.Json.Nodes.JsonObject? After, string? RemoteAddress, bool Withheld)
{
    internal static AuditEntryView From(AuditRow r) =>
        new(r.Id, r.At, r.UserId, r.Actor, r.Action, r.EntityType, r.EntityId, r.Before, r.After, r.RemoteAddress, false);

    internal static AuditEntryView WithoutStates(AuditRow r) =>
        new(r.Id, r.At, r.UserId, r.Actor, r.Action, r.EntityType, r.EntityId, null, null, r.RemoteAddress, true);
}
