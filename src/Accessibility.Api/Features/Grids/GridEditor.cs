using System.Globalization;
using System.Text.Json;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Grids;

/// <summary>A grid to draw, or the changes to one (absent fields of an update are kept).</summary>
/// <param name="TownshipCode">9-digit township code (create only).</param>
/// <param name="Code">12-digit code, or its last 3 digits; absent: the township's next free code (create only).</param>
/// <param name="Name">Name, e.g. 城西社区第一网格.</param>
/// <param name="PatrolIntervalDays">Days between patrols of each facility (1–366, default 30).</param>
/// <param name="Geometry">GeoJSON Polygon or MultiPolygon, lon/lat.</param>
/// <param name="Crs">CRS84 (default) or CGCS2000: both lon/lat, within a metre of each other.</param>
public sealed record GridRequest(string? TownshipCode, string? Code, string? Name, int? PatrolIntervalDays, JsonElement? Geometry, string? Crs);

/// <summary>What a grid write did.</summary>
/// <param name="Code">The grid.</param>
/// <param name="MovedRecords">Facilities and road segments of the county whose grid changed.</param>
public sealed record GridWriteResult(string Code, long MovedRecords);

/// <summary>
/// Draws, changes and removes community grids: every boundary judged by <see cref="BoundaryChecks"/>, every write audited
/// (who, when, the boundary before and after in summary) and followed by <c>registry_place_in_grids(county)</c> in the
/// same transaction, under a per-county lock so two administrators cannot draw overlapping grids at once. Shared by the API
/// and the staff pages.
/// </summary>
public sealed class GridEditor(RegistryDbContext db, AuditLog audit)
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "community-grid";

    /// <summary>Draws a grid.</summary>
    public async Task<Outcome<GridWriteResult>> CreateAsync(HttpContext http, GridRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var township = request.TownshipCode?.Trim();
        if (string.IsNullOrEmpty(township) || township.Length != 9 || !township.All(char.IsAsciiDigit))
        {
            errors.Add("townshipCode", "Required: the 9-digit GB/T 2260 code of the grid's township.");
        }

        var name = CheckName(request.Name, errors);
        var interval = CheckInterval(request.PatrolIntervalDays, errors);
        var boundary = ReadGeometry(request.Geometry, request.Crs, required: true, errors);
        string? code = null;
        if (!string.IsNullOrWhiteSpace(request.Code) && township is { Length: 9 })
        {
            var given = request.Code.Trim();
            code = given.Length == 3 ? township + given : given;
            if (code.Length != 12 || !code.All(char.IsAsciiDigit) || !code.StartsWith(township, StringComparison.Ordinal) || code.EndsWith("000", StringComparison.Ordinal))
            {
                errors.Add("code", $"Expected 12 digits starting with the township's code {township} (or its last 3 digits, 001–999).");
            }
        }

        if (!errors.IsEmpty)
        {
            return Outcome<GridWriteResult>.Invalid(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (connection, tx) = Connection(transaction);
        if (await GridSql.TownshipAsync(connection, tx, township!, ct) is not { } place)
        {
            return Outcome<GridWriteResult>.Invalid(errors.Add("townshipCode", $"No township has the code {township}."));
        }

        if (await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.Grid, township!)) is { } denied)
        {
            return Outcome<GridWriteResult>.Refused(denied);
        }

        await GridSql.LockCountyAsync(connection, tx, place.County, ct);
        if (code is not null && await GridSql.ExistsAsync(connection, tx, code, ct))
        {
            return Outcome<GridWriteResult>.Conflict(errors.Add("code", $"Grid {code} exists already."), null);
        }

        code ??= await GridSql.NextCodeAsync(connection, tx, township!, [], ct);
        if (code is null)
        {
            return Outcome<GridWriteResult>.Invalid(errors.Add("code", $"Township {township} has 999 grids already."));
        }

        var refusals = await BoundaryChecks.CheckAsync(connection, tx,
            [new BoundaryCandidate(0, BoundaryKind.Grid, code, name, township, boundary!)], ct);
        if (refusals.Count > 0)
        {
            foreach (var r in refusals)
            {
                errors.Add("geometry", r.Message);
            }

            return Outcome<GridWriteResult>.Invalid(errors);
        }

        await GridSql.InsertAsync(connection, tx, code, name!, interval, boundary!, "drawn", ct);
        var after = await GridSql.LockAsync(connection, tx, code, ct);
        var moved = await GridSql.PlaceInGridsAsync(connection, tx, place.County, ct);
        audit.Record(http, "create", AuditEntityType, code, null, Summary(after!, moved));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<GridWriteResult>.Done(new GridWriteResult(code, moved));
    }

    /// <summary>Changes a grid's boundary, name or patrol interval; a stale <paramref name="ifMatch"/> gets Stale.</summary>
    public async Task<Outcome<GridWriteResult>> UpdateAsync(HttpContext http, string code, GridRequest request, long? ifMatch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        if (request.TownshipCode is not null)
        {
            errors.Add("townshipCode", "A grid's township cannot change: draw a new grid in the other township and remove this one.");
        }

        if (request.Code is not null && request.Code != code)
        {
            errors.Add("code", "A grid's code cannot change.");
        }

        var name = request.Name is null ? null : CheckName(request.Name, errors);
        int? interval = request.PatrolIntervalDays is null ? null : CheckInterval(request.PatrolIntervalDays, errors);
        var boundary = ReadGeometry(request.Geometry, request.Crs, required: false, errors);
        if (!errors.IsEmpty)
        {
            return Outcome<GridWriteResult>.Invalid(errors);
        }

        if (await AuthorizeByCodeAsync(http, Operations.Update, code) is { } refused)
        {
            return refused;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (connection, tx) = Connection(transaction);
        var before = await GridSql.LockAsync(connection, tx, code, ct);
        if (before is null)
        {
            return Outcome<GridWriteResult>.NotFound();
        }

        if (ifMatch is { } version && version != before.Version)
        {
            return Outcome<GridWriteResult>.Stale(new GridWriteResult(code, 0));
        }

        await GridSql.LockCountyAsync(connection, tx, before.CountyCode, ct);
        if (boundary is not null)
        {
            var refusals = await BoundaryChecks.CheckAsync(connection, tx,
                [new BoundaryCandidate(0, BoundaryKind.Grid, code, name ?? before.Name, before.TownshipCode, boundary)], ct);
            if (refusals.Count > 0)
            {
                foreach (var r in refusals)
                {
                    errors.Add("geometry", r.Message);
                }

                return Outcome<GridWriteResult>.Invalid(errors);
            }
        }

        await GridSql.UpdateAsync(connection, tx, code, name ?? before.Name, interval ?? before.PatrolIntervalDays, boundary, boundary is null ? null : "drawn", ct);
        var after = await GridSql.LockAsync(connection, tx, code, ct);
        var moved = boundary is null ? 0 : await GridSql.PlaceInGridsAsync(connection, tx, before.CountyCode, ct);
        audit.Record(http, "update", AuditEntityType, code, Summary(before, null), Summary(after!, moved));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<GridWriteResult>.Done(new GridWriteResult(code, moved));
    }

    /// <summary>Removes a grid; its facilities and roads are placed again (in no grid, or a neighbour touching them).</summary>
    public async Task<Outcome<GridWriteResult>> DeleteAsync(HttpContext http, string code, long? ifMatch, CancellationToken ct)
    {
        if (await AuthorizeByCodeAsync(http, Operations.Delete, code) is { } refused)
        {
            return refused;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (connection, tx) = Connection(transaction);
        var before = await GridSql.LockAsync(connection, tx, code, ct);
        if (before is null)
        {
            return Outcome<GridWriteResult>.NotFound();
        }

        if (ifMatch is { } version && version != before.Version)
        {
            return Outcome<GridWriteResult>.Stale(new GridWriteResult(code, 0));
        }

        await GridSql.LockCountyAsync(connection, tx, before.CountyCode, ct);
        await GridSql.DeleteAsync(connection, tx, code, ct);
        var moved = await GridSql.PlaceInGridsAsync(connection, tx, before.CountyCode, ct);
        audit.Record(http, "delete", AuditEntityType, code, Summary(before, null), new { movedRecords = moved });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<GridWriteResult>.Done(new GridWriteResult(code, moved));
    }

    /// <summary>
    /// A grid code carries its township's and county's codes (GB/T 2260 prefix nesting), so the caller's districts are
    /// checked on the code before the grid is looked up: whether a grid exists outside one's districts is not told.
    /// </summary>
    private static async Task<Outcome<GridWriteResult>?> AuthorizeByCodeAsync(HttpContext http, Microsoft.AspNetCore.Authorization.Infrastructure.OperationAuthorizationRequirement operation, string code)
    {
        if (code.Length is < 2 or > 12 || !code.All(char.IsAsciiDigit))
        {
            return Outcome<GridWriteResult>.NotFound();
        }

        return await http.AuthorizeAsync(operation, RegistryResource.In(ResourceKinds.Grid, code.Length >= 9 ? code[..9] : code)) is { } denied
            ? Outcome<GridWriteResult>.Refused(denied)
            : null;
    }

    internal (NpgsqlConnection Connection, NpgsqlTransaction Transaction) Connection(IDbContextTransaction transaction) =>
        ((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction());

    internal static object Summary(GridRecord grid, long? moved) => new
    {
        grid.Code,
        grid.Name,
        grid.TownshipCode,
        grid.PatrolIntervalDays,
        boundary = grid.Boundary,
        movedRecords = moved,
    };

    internal static string? CheckName(string? name, FieldErrors errors, string field = "name")
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 100)
        {
            errors.Add(field, "Required, at most 100 characters.");
            return null;
        }

        return trimmed;
    }

    internal static int CheckInterval(int? days, FieldErrors errors, string field = "patrolIntervalDays")
    {
        if (days is < 1 or > 366)
        {
            errors.Add(field, "Expected a number of days from 1 to 366.");
        }

        return days ?? 30;
    }

    /// <summary>A GeoJSON Polygon / MultiPolygon read as a CGCS2000 MultiPolygon; errors under <c>geometry</c>.</summary>
    internal static MultiPolygon? ReadGeometry(JsonElement? geometry, string? crs, bool required, FieldErrors errors, string field = "geometry")
    {
        if (crs is not null && !crs.Equals("CRS84", StringComparison.OrdinalIgnoreCase) && !crs.Equals("CGCS2000", StringComparison.OrdinalIgnoreCase)
            && !crs.Equals("EPSG:4490", StringComparison.OrdinalIgnoreCase) && !crs.Equals("http://www.opengis.net/def/crs/OGC/1.3/CRS84", StringComparison.Ordinal))
        {
            errors.Add("crs", "Expected CRS84 or CGCS2000 (lon/lat).");
            return null;
        }

        if (geometry is not { } g || g.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            if (required)
            {
                errors.Add(field, "Required: a GeoJSON Polygon or MultiPolygon in lon/lat.");
            }

            return null;
        }

        if (g.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, "Expected a GeoJSON Polygon or MultiPolygon object.");
            return null;
        }

        // A Feature pasted whole is taken for its geometry.
        if (g.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Feature"
            && g.TryGetProperty("geometry", out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            g = inner;
        }

        var read = GeoJsonPolygons.Read(g, null, closeOpenRings: false);
        if (read.Error is { } fault)
        {
            errors.Add(field, fault.Message);
            return null;
        }

        return GeoJsonPolygons.Factory.CreateMultiPolygon([.. read.Polygons]);
    }

    /// <summary>The version to send as ETag.</summary>
    public static string ETag(long version) => ETags.Format(version);

    internal static string Digits(long n) => n.ToString(CultureInfo.InvariantCulture);
}
