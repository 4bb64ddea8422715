using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
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

    /// <summary>When it changed last.</summary>
    DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set when soft-deleted.</summary>
    DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Row version (xmin), the optimistic-concurrency token.</summary>
    uint Version { get; set; }
}

/// <summary>
/// The write flow facilities and road segments share: placement in a district with the scope check,
/// creation, versioned update and soft delete, each in one transaction with its audit entry, answering a
/// lost race with 409 and the current representation. The record's GeoJSON, as
/// <paramref name="featureById"/> builds it in PostGIS, is what the answer and the audit log carry.
/// </summary>
/// <param name="entityType">Entity type in the audit log and in URLs' error messages.</param>
/// <param name="location">Path of the collection, e.g. <c>/api/v1/facilities/</c>.</param>
/// <param name="featureById">Reads a record as a GeoJSON Feature on the given connection.</param>
internal sealed class GeoRecordWrites<TRecord>(
    string entityType,
    string location,
    Func<NpgsqlConnection, long, CancellationToken, Task<StoredFeature?>> featureById)
    where TRecord : class, IGeoRecord
{
    /// <summary>
    /// Places <paramref name="geometry"/> (the claimed district checked) and checks the caller may write there.
    /// Returns the county and township, or the answer refusing the write.
    /// </summary>
    public static async Task<(string County, string? Township, IResult? Refusal)> PlaceAsync(
        HttpContext http, RegistryDbContext db, Geometry geometry, string? claimedDistrict, FieldErrors errors, CancellationToken ct,
        OperationAuthorizationRequirement operation)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        if (await DistrictPlacement.PlaceAsync(connection, geometry, claimedDistrict, errors, ct) is not { } p)
        {
            return ("", null, errors.ToResult());
        }

        return (p.County, p.Township, await http.AuthorizeAsync(operation, RegistryResource.In(Kind, p.County)));
    }

    /// <summary>The kind of record of the rule table (<see cref="AccessRules"/>).</summary>
    private static string Kind => typeof(TRecord) == typeof(Roads.RoadSegment) ? ResourceKinds.Road : ResourceKinds.Facility;

    /// <summary>Reads the version a client sends in If-Match, or refuses a malformed header.</summary>
    public static IResult? ReadIfMatch(HttpContext http, out long? version) =>
        ETags.TryReadIfMatch(http.Request, out version)
            ? null
            : JsonBody.Invalid(StatusCodes.Status400BadRequest, "If-Match", "Expected the ETag read, e.g. \"123\".");

    /// <summary>428 when neither If-Match nor the body names the version the client read.</summary>
    public static IResult VersionRequired() => JsonBody.Invalid(StatusCodes.Status428PreconditionRequired, "version",
        "Send the version you read, as If-Match: \"<version>\" or as version in the body.");

    /// <summary>The live record the caller may change, or 404, 410 or 403.</summary>
    public async Task<(TRecord? Record, IResult? Refusal)> LoadForWriteAsync(
        long id, HttpContext http, RegistryDbContext db, CancellationToken ct, OperationAuthorizationRequirement operation)
    {
        var record = await db.Set<TRecord>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (record is null)
        {
            return (null, WriteResults.NotFound(id));
        }

        if (record.DeletedAt is not null)
        {
            return (null, WriteResults.Gone(id));
        }

        return await http.AuthorizeAsync(operation, RegistryResource.In(Kind, record.DistrictCode)) is { } refused ? (null, refused) : (record, null);
    }

    /// <summary>Adds <paramref name="record"/> and its audit entry; 201 with the Feature, its ETag and Location.</summary>
    public async Task<IResult> CreateAsync(HttpContext http, RegistryDbContext db, AuditLog audit, TRecord record, CancellationToken ct)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Set<TRecord>().Add(record);
        if (await WriteResults.SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }

        var after = (await featureById(connection, record.Id, ct))!;
        audit.Record(http, AuditActions.Create, entityType, WriteResults.Id(record.Id), null, Json(after));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new RawJsonResult(after.Json, StatusCodes.Status201Created)
        {
            ETag = ETags.Format(after.Version),
            Location = location + WriteResults.Id(record.Id),
        };
    }

    /// <summary>
    /// Applies <paramref name="apply"/> to <paramref name="record"/> if it is still at <paramref name="expected"/>;
    /// 200 with the new Feature, or 409 with the current one.
    /// </summary>
    public async Task<IResult> UpdateAsync(
        HttpContext http, RegistryDbContext db, AuditLog audit, TRecord record, long expected, Action<TRecord> apply, CancellationToken ct)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var before = (await featureById(connection, record.Id, ct))!;
        if (before.Version != expected)
        {
            return WriteResults.Stale(http, before);
        }

        apply(record);
        if (await SaveAtVersionAsync(http, db, connection, record, expected, ct) is { } refusal)
        {
            return refusal;
        }

        var after = (await featureById(connection, record.Id, ct))!;
        audit.Record(http, AuditActions.Update, entityType, WriteResults.Id(record.Id), Json(before), Json(after));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new RawJsonResult(after.Json) { ETag = ETags.Format(after.Version) };
    }

    /// <summary>Soft-deletes the record (If-Match optional), audited; 204.</summary>
    public async Task<IResult> DeleteAsync(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        if (ReadIfMatch(http, out var ifMatch) is { } badHeader)
        {
            return badHeader;
        }

        var (record, refusal) = await LoadForWriteAsync(id, http, db, ct, Operations.Delete);
        if (record is null)
        {
            return refusal!;
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var before = (await featureById(connection, id, ct))!;
        var expected = ifMatch ?? before.Version;
        if (before.Version != expected)
        {
            return WriteResults.Stale(http, before);
        }

        var now = clock.GetUtcNow();
        record.DeletedAt = now;
        record.UpdatedAt = now;
        if (await SaveAtVersionAsync(http, db, connection, record, expected, ct) is { } conflict)
        {
            return conflict;
        }

        audit.Record(http, AuditActions.Delete, entityType, WriteResults.Id(id), Json(before), null);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Saves only if the row is still at <paramref name="expected"/>; the refusal otherwise (the transaction rolled back).</summary>
    private async Task<IResult?> SaveAtVersionAsync(
        HttpContext http, RegistryDbContext db, NpgsqlConnection connection, TRecord record, long expected, CancellationToken ct)
    {
        db.Entry(record).Property(r => r.Version).OriginalValue = unchecked((uint)expected);
        if (await WriteResults.SaveAsync(db, ct) is not { } conflict)
        {
            return null;
        }

        await db.Database.RollbackTransactionAsync(ct);
        return conflict is WriteResults.StaleMarker ? WriteResults.Stale(http, (await featureById(connection, record.Id, ct))!) : conflict;
    }

    private static JsonObject Json(StoredFeature feature) => JsonNode.Parse(feature.Json)!.AsObject();
}
