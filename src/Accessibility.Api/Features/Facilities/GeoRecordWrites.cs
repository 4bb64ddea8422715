using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Facilities;

/// <summary>What every versioned, soft-deleted, district-scoped map record (facility, road segment) has.</summary>
public interface IGeoRecord
{
    /// <summary>Identifier.</summary>
    long Id { get; }

    /// <summary>County-level district the record lies in.</summary>
    string DistrictCode { get; }

    /// <summary>The community grid (网格) the record lies in, or null: set by the database, never by the service.</summary>
    string? GridCode { get; }

    /// <summary>When it changed last.</summary>
    DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set when soft-deleted.</summary>
    DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Row version (xmin), the optimistic-concurrency token.</summary>
    uint Version { get; set; }
}

/// <summary>
/// The write flow facilities and road segments share: placement in a district with the scope check,
/// creation, versioned update and soft delete, each in one transaction with its audit entry, telling a
/// lost race (409) with the current representation. The record's GeoJSON, as <paramref name="featureById"/>
/// builds it in PostGIS, is what the outcome and the audit log carry. The use cases (<c>CreateFacility</c>,
/// <c>UpdateRoad</c>…) run on it; endpoints and staff pages call the use cases.
/// </summary>
/// <param name="entityType">Entity type in the audit log.</param>
/// <param name="featureById">Reads a record as a GeoJSON Feature on the given connection.</param>
internal sealed class GeoRecordWrites<TRecord>(
    string entityType,
    Func<NpgsqlConnection, long, CancellationToken, Task<StoredFeature?>> featureById)
    where TRecord : class, IGeoRecord
{
    /// <summary>
    /// Places <paramref name="geometry"/> (the claimed district checked) and checks the caller may write there.
    /// Returns the county and township, or the outcome refusing the write.
    /// </summary>
    public static async Task<(string County, string? Township, WriteOutcome? Refusal)> PlaceAsync(
        HttpContext http, RegistryDbContext db, Geometry geometry, string? claimedDistrict, FieldErrors errors, CancellationToken ct,
        OperationAuthorizationRequirement operation)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        if (await DistrictPlacement.PlaceAsync(connection, geometry, claimedDistrict, errors, ct) is not { } p)
        {
            return ("", null, WriteOutcome.Invalid(errors));
        }

        // A grid worker may move a record only within its own grids: the grid the database will place it in decides.
        var grid = AccessRules.GridBoundRoles.Any(http.User.IsInRole) ? await GridAtAsync(connection, geometry, p.County, ct) : null;
        var refused = await http.AuthorizeAsync(operation, RegistryResource.In(Kind, p.County) with { GridCode = grid });
        return (p.County, p.Township, refused is null ? null : WriteOutcome.Refused(refused));
    }

    private static async Task<string?> GridAtAsync(NpgsqlConnection connection, Geometry geometry, string county, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT registry_grid_at(@geometry, @county)", connection);
        command.Parameters.AddWithValue("geometry", geometry);
        command.Parameters.AddWithValue("county", county);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The kind of record of the rule table (<see cref="AccessRules"/>).</summary>
    private static string Kind => typeof(TRecord) == typeof(Roads.RoadSegment) ? ResourceKinds.Road : ResourceKinds.Facility;

    /// <summary>The kept table of the records (docs/history.md).</summary>
    private static string Table => typeof(TRecord) == typeof(Roads.RoadSegment) ? "road_segments" : "facilities";

    /// <summary>
    /// Reads <c>validFrom</c> (<see cref="EffectiveTime.Parse"/>): when the write takes effect, null for now. The refusal
    /// (400 naming <c>validFrom</c>) when it is not a date or instant, or lies in the future.
    /// </summary>
    public static (DateTimeOffset? ValidFrom, WriteOutcome? Refusal) ParseValidFrom(string? text, TimeProvider clock)
    {
        var errors = new FieldErrors();
        var validFrom = EffectiveTime.Parse(text, clock, errors);
        return errors.IsEmpty ? (validFrom, null) : (null, WriteOutcome.Invalid(errors, StatusCodes.Status400BadRequest));
    }

    /// <summary>Reads the version a client sends in If-Match, or refuses a malformed header.</summary>
    public static IResult? ReadIfMatch(HttpContext http, out long? version) =>
        ETags.TryReadIfMatch(http.Request, out version)
            ? null
            : JsonBody.Invalid(StatusCodes.Status400BadRequest, "If-Match", "Expected the ETag read, e.g. \"123\".");

    /// <summary>428 when neither If-Match nor the body names the version the client read.</summary>
    public static WriteOutcome VersionRequired() => WriteOutcome.Refused(JsonBody.Invalid(StatusCodes.Status428PreconditionRequired, "version",
        "Send the version you read, as If-Match: \"<version>\" or as version in the body."));

    /// <summary>The live record the caller may change, or the refusal: 404, 410 or 403.</summary>
    public async Task<(TRecord? Record, WriteOutcome? Refusal)> LoadForWriteAsync(
        long id, HttpContext http, RegistryDbContext db, CancellationToken ct, OperationAuthorizationRequirement operation)
    {
        var record = await db.Set<TRecord>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (record is null)
        {
            return (null, WriteOutcome.Refused(WriteResults.NotFound(id)));
        }

        if (record.DeletedAt is not null)
        {
            return (null, WriteOutcome.Refused(WriteResults.Gone(id)));
        }

        // A grid worker acts only on records in its own grids: the resource names the record's grid.
        return await http.AuthorizeAsync(operation, RegistryResource.In(Kind, record.DistrictCode) with { GridCode = record.GridCode }) is { } refused
            ? (null, WriteOutcome.Refused(refused))
            : (record, null);
    }

    /// <summary>
    /// Adds <paramref name="record"/> and its audit entry, in effect from <paramref name="validFrom"/> (now when null:
    /// a facility built before it is registered counts from when it was built); 201 with the Feature.
    /// </summary>
    public async Task<WriteOutcome> CreateAsync(
        HttpContext http, RegistryDbContext db, AuditLog audit, TRecord record, CancellationToken ct, DateTimeOffset? validFrom = null)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, validFrom, ct);
        db.Set<TRecord>().Add(record);
        if (await WriteResults.SaveAsync(db, ct) is { } conflict)
        {
            return WriteOutcome.Refused(conflict);
        }

        var after = (await featureById(connection, record.Id, ct))!;
        audit.Record(http, AuditActions.Create, entityType, WriteResults.Id(record.Id), null, Json(after, validFrom));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return WriteOutcome.Written(after, record.Id, StatusCodes.Status201Created);
    }

    /// <summary>
    /// Applies <paramref name="apply"/> to <paramref name="record"/> if it is still at <paramref name="expected"/>, in
    /// effect from <paramref name="validFrom"/> (now when null; a late correction ends the current state early);
    /// 200 with the new Feature, 409 with the current one, or 400 on <c>validFrom</c> when it lies before the current state.
    /// </summary>
    public async Task<WriteOutcome> UpdateAsync(
        HttpContext http, RegistryDbContext db, AuditLog audit, TRecord record, long expected, Action<TRecord> apply, CancellationToken ct,
        DateTimeOffset? validFrom = null)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, validFrom, ct);
        var before = (await featureById(connection, record.Id, ct))!;
        if (before.Version != expected)
        {
            return Stale(http, before);
        }

        if (await SettledAsync(connection, record.Id, validFrom, ct) is { } settled)
        {
            return settled;
        }

        apply(record);
        if (await SaveAtVersionAsync(http, db, connection, record, expected, ct) is { } refusal)
        {
            return refusal;
        }

        var after = (await featureById(connection, record.Id, ct))!;
        audit.Record(http, AuditActions.Update, entityType, WriteResults.Id(record.Id), Json(before), Json(after, validFrom));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return WriteOutcome.Written(after, record.Id);
    }

    /// <summary>
    /// Soft-deletes the record (at <paramref name="ifMatch"/> when given), audited, in effect from
    /// <paramref name="validFrom"/> (now when null: a ramp removed in May and deleted in June counts until May); 204.
    /// </summary>
    public async Task<WriteOutcome> DeleteAsync(
        long id, long? ifMatch, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct, DateTimeOffset? validFrom = null)
    {
        var (record, refusal) = await LoadForWriteAsync(id, http, db, ct, Operations.Delete);
        if (record is null)
        {
            return refusal!;
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, validFrom, ct);
        var before = (await featureById(connection, id, ct))!;
        var expected = ifMatch ?? before.Version;
        if (before.Version != expected)
        {
            return Stale(http, before);
        }

        if (await SettledAsync(connection, id, validFrom, ct) is { } settled)
        {
            return settled;
        }

        var now = clock.GetUtcNow();
        record.DeletedAt = now;
        record.UpdatedAt = now;
        if (await SaveAtVersionAsync(http, db, connection, record, expected, ct) is { } conflict)
        {
            return conflict;
        }

        audit.Record(http, AuditActions.Delete, entityType, WriteResults.Id(id), Json(before),
            validFrom is { } v ? new JsonObject { [EffectiveTime.Field] = Instant(v) } : null);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return WriteOutcome.Deleted(id);
    }

    /// <summary>Saves only if the row is still at <paramref name="expected"/>; the refusal otherwise (the transaction rolled back).</summary>
    private async Task<WriteOutcome?> SaveAtVersionAsync(
        HttpContext http, RegistryDbContext db, NpgsqlConnection connection, TRecord record, long expected, CancellationToken ct)
    {
        db.Entry(record).Property(r => r.Version).OriginalValue = unchecked((uint)expected);
        if (await WriteResults.SaveAsync(db, ct) is not { } conflict)
        {
            return null;
        }

        await db.Database.RollbackTransactionAsync(ct);
        return conflict is WriteResults.StaleMarker ? Stale(http, (await featureById(connection, record.Id, ct))!) : WriteOutcome.Refused(conflict);
    }

    private static WriteOutcome Stale(HttpContext http, StoredFeature current) => WriteOutcome.Refused(WriteResults.Stale(http, current), current);

    /// <summary>
    /// The refusal (400 naming <c>validFrom</c>) of a <paramref name="validFrom"/> before the record's current state took
    /// effect: a correction may end the current state early, not rewrite the states before it. Checked here, in the
    /// transaction, for a clean field error before the history trigger would refuse it.
    /// </summary>
    private static async Task<WriteOutcome?> SettledAsync(NpgsqlConnection connection, long id, DateTimeOffset? validFrom, CancellationToken ct)
    {
        if (validFrom is null || await EffectiveTime.CurrentSinceAsync(connection, Table, id, ct) is not { } since)
        {
            return null;
        }

        var errors = new FieldErrors();
        EffectiveTime.CheckAgainst(validFrom, since, errors);
        return errors.IsEmpty ? null : WriteOutcome.Invalid(errors, StatusCodes.Status400BadRequest);
    }

    private static JsonObject Json(StoredFeature feature) => JsonNode.Parse(feature.Json)!.AsObject();

    /// <summary>The Feature as audited; a write in effect from another time than now records its <c>validFrom</c> among the properties.</summary>
    private static JsonObject Json(StoredFeature feature, DateTimeOffset? validFrom)
    {
        var json = Json(feature);
        if (validFrom is { } v && json["properties"] is JsonObject properties)
        {
            properties[EffectiveTime.Field] = Instant(v);
        }

        return json;
    }

    private static string Instant(DateTimeOffset value) =>
        value.ToOffset(AsOf.ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
