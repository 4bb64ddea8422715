using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Imports;

/// <summary>A rejected row of an import.</summary>
/// <param name="Row">Line number (CSV, header = 1) or 1-based feature position (GeoJSON); 0 for the file as a whole.</param>
/// <param name="Field">The field or column at fault.</param>
/// <param name="Reason">Why.</param>
/// <param name="ExternalId">The row's external id where known (OSM: <c>osm:node/123</c>).</param>
public sealed record RejectedRow(int Row, string Field, string Reason, string? ExternalId = null);

/// <summary>Where an import is.</summary>
/// <param name="Phase">read, place or write.</param>
/// <param name="Rows">Rows read so far.</param>
/// <param name="BytesRead">Bytes of the file read so far.</param>
/// <param name="BytesTotal">Size of the file.</param>
public sealed record ImportProgress(string Phase, long Rows, long BytesRead, long BytesTotal);

/// <summary>What an import did: either every row was written, or none was and <see cref="Rejected"/> says why.</summary>
/// <param name="Source">Source name the rows are keyed by.</param>
/// <param name="Rows">Rows in the file.</param>
/// <param name="Inserted">New facilities.</param>
/// <param name="Updated">Facilities of the same (source, external id) updated.</param>
/// <param name="RejectedRows">How many rows were rejected.</param>
/// <param name="Rejected">The reasons (at most <see cref="FacilityImporter.MaxReported"/>).</param>
/// <param name="Skipped">Rows that map to no facility kind (OSM elements no rule of the mapping takes); not rejections.</param>
/// <param name="Format">What the file was read as: geojson, csv, osm-xml or osm-pbf.</param>
public sealed record ImportOutcome(string Source, int Rows, int Inserted, int Updated, int RejectedRows, IReadOnlyList<RejectedRow> Rejected, int Skipped = 0, string? Format = null)
{
    /// <summary>True when the rows were written.</summary>
    public bool Imported => Rejected.Count == 0;
}

/// <summary>
/// Imports facilities from GeoJSON or CSV through a mapping file (<c>docs/import.md</c>). Every row is validated
/// (kind catalog, geometry, district placement, the caller's scope); valid rows go by Npgsql binary COPY into a
/// temporary table, and one <c>INSERT … ON CONFLICT (source, external_id) DO UPDATE</c> writes them (a large first
/// import of a source: a bulk load, see <see cref="BulkLoadRowsKey"/>), in one transaction with the audit entry. All or
/// nothing: any rejected row, or a failure while writing, and nothing is written.
/// </summary>
public sealed class FacilityImporter(RegistryDbContext db, FacilityKindCatalog catalog, AuditLog audit, IConfiguration configuration)
{
    /// <summary>
    /// Configuration key: the fewest rows of a first import of a source that is written as a bulk load (indexes and foreign
    /// keys of <c>facilities</c> rebuilt once, change stamps set-based; see migration <c>FacilityBulkLoad</c>), when it also
    /// has at least as many rows as <c>facilities</c> already holds. Default <see cref="DefaultBulkLoadRows"/>.
    /// </summary>
    public const string BulkLoadRowsKey = "Imports:BulkLoadRows";

    /// <summary>Default of <see cref="BulkLoadRowsKey"/>: below it, maintaining the indexes row by row costs less than rebuilding them.</summary>
    public const int DefaultBulkLoadRows = 100_000;

    /// <summary>Most rejections listed in a report (the count is always complete).</summary>
    public const int MaxReported = 1000;

    /// <summary>Action in the audit log.</summary>
    public const string AuditAction = "import";

    /// <summary>Entity type of the audit entry.</summary>
    public const string AuditEntityType = "facility-import";

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), CoordinateConverter.Cgcs2000Srid);

    /// <summary>Runs an import of GeoJSON or CSV; see the class summary.</summary>
    /// <param name="data">The file.</param>
    /// <param name="fileName">Its name (for the audit entry and the default source).</param>
    /// <param name="mapping">The mapping.</param>
    /// <param name="format">geojson or csv; null for the mapping's, else JSON when the file starts with '{'.</param>
    /// <param name="source">Source name; null for the mapping's, else the file name.</param>
    /// <param name="mayWrite">Whether the caller may write in a county-level district.</param>
    /// <param name="actor">Who imports.</param>
    /// <param name="progress">Progress reports, or null.</param>
    /// <param name="ct">Cancellation.</param>
    public Task<ImportOutcome> ImportAsync(
        byte[] data, string fileName, ImportMapping mapping, string? format, string? source, Func<string, bool> mayWrite,
        BoundaryImporter.Actor actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(mapping);
        var json = (format ?? mapping.Format) switch { "geojson" => true, "csv" => false, _ => ImportReaders.LooksLikeJson(data) };
        return RunAsync(data.LongLength, fileName, source ?? mapping.Source, json ? "geojson" : "csv", mayWrite, actor, progress, staging =>
        {
            void OnRow(SourceRow row)
            {
                staging.Rows++;
                if (mapping.Kind.Skips(mapping.Kind.Column is { } kindColumn ? Raw(row, kindColumn) : null))
                {
                    // A row of no facility kind (an OpenSidewalks graph vertex that is no kerb): counted, not refused.
                    staging.Skipped++;
                    staging.Progress(row.Position, ct);
                    return;
                }

                staging.Add(row.Row, mapping.ExternalId, Map(row, mapping, staging.Report));
                staging.Progress(row.Position, ct);
            }

            try
            {
                if (json)
                {
                    ImportReaders.ReadGeoJson(data, OnRow);
                }
                else
                {
                    ImportReaders.ReadCsv(data, mapping.Delimiter, header => CheckHeader(header, mapping, staging.Report), OnRow);
                }
            }
            catch (DecoderFallbackException)
            {
                staging.Report.Add(0, "file", "The CSV file is not UTF-8 text.");
            }
        }, ct);
    }

    /// <summary>
    /// Runs an import of OpenStreetMap data (XML or PBF) through a tag mapping: elements a rule takes become
    /// facilities with the external id <c>osm:node/…</c> or <c>osm:way/…</c> (a way of a point kind at a point
    /// inside it, as <c>ST_PointOnSurface</c>), elements no rule takes are counted as skipped.
    /// </summary>
    /// <param name="data">The file.</param>
    /// <param name="fileName">Its name.</param>
    /// <param name="format">XML or PBF.</param>
    /// <param name="mapping">The tag mapping.</param>
    /// <param name="source">Source name; null for the mapping's (osm).</param>
    /// <param name="mayWrite">Whether the caller may write in a county-level district.</param>
    /// <param name="actor">Who imports.</param>
    /// <param name="progress">Progress reports, or null.</param>
    /// <param name="ct">Cancellation.</param>
    public Task<ImportOutcome> ImportOsmAsync(
        byte[] data, string fileName, OsmFileFormat format, OsmMapping mapping, string? source, Func<string, bool> mayWrite,
        BoundaryImporter.Actor actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(mapping);
        return RunAsync(data.LongLength, fileName, source ?? mapping.Source ?? "osm", format == OsmFileFormat.Pbf ? "osm-pbf" : "osm-xml", mayWrite, actor, progress, staging =>
        {
            var mapped = 0;
            var rows = OsmReader.Read(data, format, mapping, element =>
            {
                mapped++;
                staging.Add(element.Row, "id", MapOsm(element, mapping, staging.Report), element.ExternalId);
            }, (elements, position) =>
            {
                staging.Rows = elements;
                staging.Progress(position, ct);
            }, ct);
            staging.Rows = rows;
            staging.Skipped = rows - mapped;
        }, ct);
    }

    private async Task<ImportOutcome> RunAsync(
        long length, string fileName, string? source, string format, Func<string, bool> mayWrite, BoundaryImporter.Actor actor,
        IProgress<ImportProgress>? progress, Action<Staging> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mayWrite);
        ArgumentNullException.ThrowIfNull(actor);
        source = (source ?? Path.GetFileNameWithoutExtension(fileName)).Trim();
        var report = new Report();
        if (source.Length is 0 or > 40)
        {
            report.Add(0, "source", "The source name must have 1 to 40 characters.");
            return report.Outcome(source, 0, 0, format);
        }

        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await UseImportMemoryAsync(connection, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using (var local = new NpgsqlCommand(ImportWorkMemory, connection))
        {
            await local.ExecuteNonQueryAsync(ct);
        }

        await using (var create = new NpgsqlCommand(
            """
            CREATE TEMP TABLE import_rows (
              row_no int NOT NULL, external_id text NOT NULL, kind text NOT NULL, name text NOT NULL, status text NOT NULL,
              managing_unit text, attributes jsonb NOT NULL, geometry geometry(Geometry, 4490) NOT NULL) ON COMMIT DROP
            """, connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        int rows, skipped;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY import_rows (row_no, external_id, kind, name, status, managing_unit, attributes, geometry) FROM STDIN (FORMAT BINARY)", ct))
        {
            // Reading, mapping and validating run on one thread while this one writes the staged rows into the COPY (and
            // PostgreSQL takes them in), so the three overlap; batches keep the hand-over cheap, a bound keeps memory flat.
            var channel = Channel.CreateBounded<List<MappedRow>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var staging = new Staging(channel.Writer, report, progress, length, stop.Token);
            var reading = Task.Run(() =>
            {
                try
                {
                    read(staging);
                    staging.Flush();
                }
                catch (InvalidDataException ex)
                {
                    report.Add(0, "file", ex.Message);
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            }, CancellationToken.None);
            try
            {
                await foreach (var batch in channel.Reader.ReadAllAsync(CancellationToken.None))
                {
                    foreach (var mapped in batch)
                    {
                        Write(writer, mapped);
                    }
                }
            }
            catch
            {
                // The COPY failed: stop the reader before the writer is disposed (which cancels the COPY).
                await stop.CancelAsync();
                try
                {
                    await reading;
                }
                catch (OperationCanceledException)
                {
                }

                throw;
            }

            await reading;
            (rows, skipped) = (staging.Rows, staging.Skipped);
            if (rows == 0 && report.Count == 0)
            {
                report.Add(0, "file", "The file has no rows.");
            }

            if (report.Rejected(0))
            {
                // The file as a whole is unusable: disposing without Complete cancels the COPY; the transaction rolls back.
                return report.Outcome(source, rows, skipped, format);
            }

            await writer.CompleteAsync(ct);
        }

        progress?.Report(new ImportProgress("place", rows, length, length));
        await PlaceAsync(connection, source, mayWrite, report, ct);
        if (report.Count > 0)
        {
            return report.Outcome(source, rows, skipped, format);
        }

        progress?.Report(new ImportProgress("write", rows, length, length));
        var (inserted, updated) = await UpsertAsync(connection, source, ct);
        audit.Record(actor.UserId, actor.Name, actor.RemoteAddress, AuditAction, AuditEntityType, source, null,
            new { source, file = fileName, format, rows, inserted, updated, skipped });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new ImportOutcome(source, rows, inserted, updated, 0, [], skipped, format);
    }

    /// <summary>
    /// Memory for the import's sorts and hashes (the insert joins the staged rows to their places, about 190 MB at 1 M rows)
    /// and for the index rebuilds of a bulk load, for this transaction only: with the defaults (4 MB, 64 MB) both went to
    /// disk (EXPLAIN of a 1 M import: "Sort Method: external merge Disk: 151928kB" and 33352kB; bench/README.md).
    /// </summary>
    private const string ImportWorkMemory = "SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'";

    /// <summary>
    /// Gives the session 256 MB of buffers for temporary tables, where the staged rows and their places live (about 230 MB
    /// at 1 M rows): with the default 8 MB every pass over them went through the kernel ("local read=21735 written=3592" a
    /// scan). PostgreSQL takes the setting only before the session's first temporary table; a pooled connection that
    /// already had one keeps what it has, which is only slower.
    /// </summary>
    private static async Task UseImportMemoryAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SET temp_buffers = '256MB'", connection);
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidParameterValue)
        {
        }
    }

    /// <summary>Writes one staged row into the COPY.</summary>
    private static void Write(NpgsqlBinaryImporter writer, MappedRow mapped)
    {
        writer.StartRow();
        writer.Write(mapped.Row, NpgsqlDbType.Integer);
        writer.Write(mapped.ExternalId, NpgsqlDbType.Text);
        writer.Write(mapped.Kind, NpgsqlDbType.Text);
        writer.Write(mapped.Name, NpgsqlDbType.Text);
        writer.Write(mapped.Status, NpgsqlDbType.Text);
        if (mapped.ManagingUnit is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.Write(mapped.ManagingUnit, NpgsqlDbType.Text);
        }

        writer.Write(mapped.Attributes.ToJsonString(), NpgsqlDbType.Jsonb);
        writer.Write(mapped.Geometry, NpgsqlDbType.Geometry);
    }

    /// <summary>
    /// Stages mapped rows for the COPY (in batches, to the writing thread), refusing a second row with the same external
    /// id; counts and reports progress. Used by the reading thread only, like the report until the reading ends.
    /// </summary>
    private sealed class Staging(ChannelWriter<List<MappedRow>> channel, Report report, IProgress<ImportProgress>? progress, long length, CancellationToken ct)
    {
        private const int BatchRows = 2048;
        private readonly Dictionary<string, int> firstRowOf = new(StringComparer.Ordinal);
        private List<MappedRow> batch = new(BatchRows);
        private long lastReport;

        public Report Report => report;

        /// <summary>Rows (records, features or OSM elements) read so far.</summary>
        public int Rows { get; set; }

        /// <summary>Rows that map to no kind (OSM elements no rule takes).</summary>
        public int Skipped { get; set; }

        /// <summary>Stages a row when it mapped; <paramref name="idField"/> names the external id in a report.</summary>
        public void Add(int row, string idField, MappedRow? mapped, string? externalId = null)
        {
            if (mapped is null)
            {
                return;
            }

            if (firstRowOf.TryGetValue(mapped.ExternalId, out var first))
            {
                report.Add(row, idField, $"External id '{mapped.ExternalId}' appears again (first in row {first}).", externalId ?? mapped.ExternalId);
                return;
            }

            firstRowOf[mapped.ExternalId] = row;
            // Valid rows are staged even after a rejection, so the report also covers their placement.
            batch.Add(mapped with { Row = row });
            if (batch.Count == BatchRows)
            {
                Flush();
            }
        }

        /// <summary>Hands the rows staged so far to the writing thread, waiting while it is behind.</summary>
        public void Flush()
        {
            if (batch.Count == 0)
            {
                return;
            }

            while (!channel.TryWrite(batch))
            {
                if (!channel.WaitToWriteAsync(ct).AsTask().GetAwaiter().GetResult())
                {
                    throw new OperationCanceledException(ct);
                }
            }

            batch = new List<MappedRow>(BatchRows);
        }

        /// <summary>Reports progress about every megabyte, and stops when cancelled.</summary>
        public void Progress(long position, CancellationToken cancel)
        {
            if (position - lastReport > 1 << 20)
            {
                lastReport = position;
                cancel.ThrowIfCancellationRequested();
                ct.ThrowIfCancellationRequested();
                progress?.Report(new ImportProgress("read", Rows, position, length));
            }
        }
    }

    private static bool CheckHeader(IReadOnlyList<string> header, ImportMapping mapping, Report report)
    {
        foreach (var column in mapping.Columns())
        {
            if (!header.Contains(column, StringComparer.Ordinal))
            {
                report.Add(1, column, $"The mapping names the column '{column}', which the CSV header does not have (columns: {string.Join(", ", header)}).");
            }
        }

        return report.Count == 0;
    }

    /// <summary>
    /// Places every staged row as <see cref="FacilitySql.LocateAsync"/> places one record (the county-level
    /// district and the township whose boundaries cover <c>ST_PointOnSurface</c> of the geometry, the lowest code
    /// when several do), set-based: the boundaries that can matter (those meeting the rows' extent) are cut by
    /// <c>ST_Subdivide</c> into pieces of at most 256 vertices in a GiST-indexed temporary table, so that each row
    /// costs one index probe and a point-in-polygon test against a small piece rather than a whole county's
    /// outline; the result goes into <c>import_places</c> (a new table, cheaper than updating every staged row).
    /// Rows outside every district, or in a district the caller may not write, are rejected; so is a row whose
    /// (source, external id) already names a facility of a district the caller may not write, since the upsert
    /// would otherwise rename and move another county's record: an update is checked before and after.
    /// </summary>
    private static async Task PlaceAsync(NpgsqlConnection connection, string source, Func<string, bool> mayWrite, Report report, CancellationToken ct)
    {
        const string place = """
            CREATE TEMP TABLE import_boundaries ON COMMIT DROP AS
              SELECT d.code, d.level, ST_Subdivide(d.boundary, 256) AS geom
              FROM districts d
              WHERE d.level IN (3, 4) AND d.boundary IS NOT NULL
                AND d.boundary && (SELECT ST_SetSRID(ST_Extent(geometry)::geometry, 4490) FROM import_rows);
            CREATE INDEX ON import_boundaries USING gist (geom);
            ANALYZE import_boundaries;
            CREATE TEMP TABLE import_places ON COMMIT DROP AS
              SELECT r.row_no,
                (SELECT min(b.code) FROM import_boundaries b WHERE b.level = 3 AND ST_Covers(b.geom, p.pt)) AS district_code,
                (SELECT min(b.code) FROM import_boundaries b WHERE b.level = 4 AND ST_Covers(b.geom, p.pt)) AS township_code
              FROM import_rows r
              -- A point is its own point on surface; skipping GEOS for points is most of an import's rows.
              CROSS JOIN LATERAL (SELECT CASE WHEN GeometryType(r.geometry) = 'POINT' THEN r.geometry ELSE ST_PointOnSurface(r.geometry) END AS pt) p;
            """;
        await using (var command = new NpgsqlCommand(place, connection) { CommandTimeout = 0 })
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        var refused = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT DISTINCT district_code FROM import_places WHERE district_code IS NOT NULL", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var code = reader.GetString(0);
                if (!mayWrite(code))
                {
                    refused.Add(code);
                }
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            SELECT p.row_no, p.district_code, r.external_id
            FROM import_places p JOIN import_rows r USING (row_no)
            WHERE p.district_code IS NULL OR p.district_code = ANY(@refused) ORDER BY p.row_no
            """, connection))
        {
            command.Parameters.AddWithValue("refused", refused.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                report.Add(reader.GetInt32(0), "geometry", reader.IsDBNull(1)
                    ? "The location is outside every registered district."
                    : "The location is in district " + reader.GetString(1) + ", outside the districts you may change.", reader.GetString(2));
            }
        }

        // Before: the facility each row would update, wherever it is now (the mapped external id is the key).
        var existing = new List<(int Row, string ExternalId, long Id, string DistrictCode)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT r.row_no, r.external_id, f.id, f.district_code
            FROM import_rows r JOIN facilities f ON f.source = @source AND f.external_id = r.external_id
            ORDER BY r.row_no
            """, connection))
        {
            command.Parameters.AddWithValue("source", source);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                existing.Add((reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
            }
        }

        foreach (var (row, externalId, id, districtCode) in existing.Where(e => !mayWrite(e.DistrictCode)))
        {
            report.Add(row, "externalId", FormattableString.Invariant(
                $"External id '{externalId}' of source '{source}' is facility {id} of district {districtCode}, outside the districts you may change."), externalId);
        }
    }

    /// <summary>
    /// Writes the staged rows into <c>facilities</c>: when the source has no facility yet (a first import), a plain
    /// <c>INSERT</c>, as a bulk load when it is large (<see cref="BulkLoadAsync"/>: the secondary indexes and foreign keys
    /// are built and checked once after the insert instead of row by row, and the coverage change stamps are added
    /// set-based, by <c>registry_facilities_bulk_begin/end</c> in the same transaction); otherwise one
    /// <c>INSERT … ON CONFLICT (source, external_id) DO UPDATE</c> that tells new from updated rows.
    /// </summary>
    private async Task<(int Inserted, int Updated)> UpsertAsync(NpgsqlConnection connection, string source, CancellationToken ct)
    {
        bool first;
        await using (var probe = new NpgsqlCommand("SELECT NOT EXISTS (SELECT 1 FROM facilities WHERE source = @source AND external_id IS NOT NULL)", connection))
        {
            probe.Parameters.AddWithValue("source", source);
            first = (bool)(await probe.ExecuteScalarAsync(ct))!;
        }

        if (first && await BulkLoadAsync(connection, ct))
        {
            // Readers of facilities wait from here to the commit (DROP INDEX locks the table); a failure rolls it all back.
            await using (var begin = new NpgsqlCommand("SELECT registry_facilities_bulk_begin()", connection) { CommandTimeout = 0 })
            {
                await begin.ExecuteNonQueryAsync(ct);
            }

            int inserted;
            await using (var command = new NpgsqlCommand(BulkInsert, connection) { CommandTimeout = 0 })
            {
                command.Parameters.AddWithValue("source", source);
                inserted = await command.ExecuteNonQueryAsync(ct);
            }

            await using (var end = new NpgsqlCommand("SELECT registry_facilities_bulk_end()", connection) { CommandTimeout = 0 })
            {
                await end.ExecuteNonQueryAsync(ct);
            }

            return (inserted, 0);
        }

        const string insert = Insert;
        if (first)
        {
            await using var command = new NpgsqlCommand(insert, connection) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("source", source);
            return (await command.ExecuteNonQueryAsync(ct), 0);
        }

        const string upsert = $"""
            WITH up AS (
              {insert}
              ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL DO UPDATE SET
                kind = EXCLUDED.kind, name = EXCLUDED.name, geometry = EXCLUDED.geometry, attributes = EXCLUDED.attributes,
                status = EXCLUDED.status, managing_unit = EXCLUDED.managing_unit, district_code = EXCLUDED.district_code,
                township_code = EXCLUDED.township_code, updated_at = EXCLUDED.updated_at
              RETURNING (xmax = 0) AS inserted)
            SELECT count(*) FILTER (WHERE inserted)::int, count(*) FILTER (WHERE NOT inserted)::int FROM up
            """;
        await using (var command = new NpgsqlCommand(upsert, connection) { CommandTimeout = 0 })
        {
            command.Parameters.AddWithValue("source", source);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt32(0), reader.GetInt32(1));
        }
    }

    /// <summary>
    /// Whether a first import is written as a bulk load: at least <see cref="BulkLoadRowsKey"/> rows and at least as many as
    /// <c>facilities</c> holds (rebuilding the indexes costs in proportion to the whole table, maintaining them to the rows added).
    /// </summary>
    private async Task<bool> BulkLoadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var least = configuration.GetValue(BulkLoadRowsKey, DefaultBulkLoadRows);
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM import_rows) >= greatest(@least, (SELECT count(*) FROM facilities))", connection);
        command.Parameters.AddWithValue("least", (long)least);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The first import's insert in a bulk load, which turns the row trigger <c>place_in_grid</c> off (a plpgsql call and a
    /// query per row): each row is placed in the grid <c>registry_grid_at</c> gives, set-based, the grid of its county
    /// covering its point on surface, the lowest code where grids touch.
    /// </summary>
    private const string BulkInsert = """
            INSERT INTO facilities (kind, name, geometry, attributes, status, managing_unit, district_code, township_code, grid_code, source, external_id, created_at, updated_at)
            SELECT r.kind, r.name, r.geometry, r.attributes, r.status, r.managing_unit, p.district_code, p.township_code,
              (SELECT min(g.code) FROM community_grids g
               WHERE g.county_code = p.district_code
                 AND ST_Covers(g.boundary, CASE WHEN GeometryType(r.geometry) = 'POINT' THEN r.geometry ELSE ST_PointOnSurface(r.geometry) END)),
              @source, r.external_id, now(), now()
            FROM import_rows r JOIN import_places p USING (row_no)
            """;

    private const string Insert = """
            INSERT INTO facilities (kind, name, geometry, attributes, status, managing_unit, district_code, township_code, source, external_id, created_at, updated_at)
            SELECT r.kind, r.name, r.geometry, r.attributes, r.status, r.managing_unit, p.district_code, p.township_code, @source, r.external_id, now(), now()
            FROM import_rows r JOIN import_places p USING (row_no)
            """;

    private sealed record MappedRow(string ExternalId, string Kind, string Name, string Status, string? ManagingUnit, JsonObject Attributes, Geometry Geometry)
    {
        /// <summary>The row's line or position in the file (set when staged).</summary>
        public int Row { get; init; }
    }

    private MappedRow? Map(SourceRow row, ImportMapping mapping, Report report)
    {
        var before = report.Count;
        // Every reason given for this row names its external id where the mapping finds one, also when the row is refused
        // before it is staged (a bad coordinate, kind or attribute).
        using var forRow = report.For(RowExternalId(row, mapping));
        if (row.Values.ContainsKey("\0extra"))
        {
            report.Add(row.Row, "file", "The record has more fields than the header.");
            return null;
        }

        // A NUL, another control character or a lone surrogate in any cell rejects the row, naming the cell:
        // PostgreSQL would refuse the whole COPY, and with it every good row.
        foreach (var (column, value) in row.Values)
        {
            if (TextProblem(column, value) is { } problem)
            {
                report.Add(row.Row, InputText.Problem(column) is null ? column : "file", problem);
            }
        }

        if (report.Count > before)
        {
            return null;
        }

        string? Text(string? column) => column is null ? null : Raw(row, column);

        var externalId = Text(mapping.ExternalId);
        if (externalId is null && mapping.ExternalId == "id" && row.FeatureId is not null)
        {
            externalId = Scalar(row.FeatureId);
        }

        if (string.IsNullOrWhiteSpace(externalId))
        {
            report.Add(row.Row, mapping.ExternalId, "The external id is missing (re-imports update by it).");
        }
        else if (externalId.Length > 100)
        {
            report.Add(row.Row, mapping.ExternalId, "The external id has more than 100 characters.");
        }

        var nameField = mapping.Name.Column ?? "name";
        var name = mapping.Name.Resolve(Text(mapping.Name.Column))?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            report.Add(row.Row, nameField, "The name is missing.");
        }
        else if (name.Length > 200)
        {
            report.Add(row.Row, nameField, "The name has more than 200 characters.");
        }

        var kindCode = mapping.Kind.Resolve(Text(mapping.Kind.Column));
        var status = mapping.Status.Resolve(Text(mapping.Status.Column));
        if (status is null || !catalog.IsStatus(status))
        {
            report.Add(row.Row, mapping.Status.Column ?? "status", $"Unknown status '{status}'. Expected one of: {string.Join(", ", catalog.Statuses.Select(s => s.Code))}.");
        }

        var managingUnit = mapping.ManagingUnit?.Resolve(Text(mapping.ManagingUnit.Column))?.Trim();
        if (managingUnit is { Length: > 200 })
        {
            report.Add(row.Row, mapping.ManagingUnit!.Column ?? "managingUnit", "The managing unit has more than 200 characters.");
        }

        FacilityKind? kind = null;
        if (kindCode is null)
        {
            report.Add(row.Row, mapping.Kind.Column ?? "kind", "The kind is missing.");
        }
        else if (!catalog.TryGet(kindCode, out kind))
        {
            foreach (var message in catalog.Validate(kindCode, null).SelectMany(e => e.Value))
            {
                report.Add(row.Row, mapping.Kind.Column ?? "kind", message);
            }
        }

        var attributes = new JsonObject();
        if (kind is not null)
        {
            if (mapping.AttributesJson is { } jsonColumn && row.Values.GetValueOrDefault(jsonColumn) is { } packed)
            {
                try
                {
                    var parsed = packed is JsonObject o ? o.DeepClone() : JsonNode.Parse(packed.GetValue<string>());
                    if (parsed is JsonObject obj)
                    {
                        foreach (var (key, value) in obj.ToList())
                        {
                            obj.Remove(key);
                            attributes[key] = value;
                        }
                    }
                    else
                    {
                        report.Add(row.Row, jsonColumn, "Expected a JSON object of attributes.");
                    }
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
                {
                    report.Add(row.Row, jsonColumn, "Expected a JSON object of attributes: " + ex.Message);
                }
            }

            foreach (var (attribute, map) in mapping.Attributes)
            {
                if (AttributeValue(row, map) is { } value)
                {
                    attributes[attribute] = Convert(kind.FindAttribute(attribute), value);
                }
            }

            foreach (var (field, messages) in catalog.Validate(kind.Code, attributes))
            {
                foreach (var message in messages)
                {
                    report.Add(row.Row, field, message);
                }
            }
        }

        var geometry = ReadGeometry(row, mapping, report);
        if (geometry is not null && kind is not null)
        {
            foreach (var message in FacilityKindCatalog.ValidateGeometryType(kind, geometry.GeometryType).SelectMany(e => e.Value))
            {
                report.Add(row.Row, "geometry", message);
            }
        }

        return report.Count > before || geometry is null || kind is null
            ? null
            : new MappedRow(externalId!.Trim(), kind.Code, name!, status!, string.IsNullOrEmpty(managingUnit) ? null : managingUnit, attributes, geometry);
    }

    /// <summary>
    /// An attribute's source value: the constant; else the column's value translated by the table (a number or boolean the
    /// table does not list stays as it is); else the default for an empty or absent cell; else nothing.
    /// </summary>
    private static JsonNode? AttributeValue(SourceRow row, FieldMap map)
    {
        if (map.Constant is not null)
        {
            return JsonValue.Create(map.Constant);
        }

        var value = map.Column is null ? null : row.Values.GetValueOrDefault(map.Column);
        var raw = value is null ? null : Scalar(value);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return map.Default is null ? null : JsonValue.Create(map.Default);
        }

        return map.Values.TryGetValue(raw.Trim(), out var mapped) ? JsonValue.Create(mapped) : value;
    }

    /// <summary>The row's external id as the mapping reads it (trimmed), or null when it has none or it is not clean text.</summary>
    private static string? RowExternalId(SourceRow row, ImportMapping mapping)
    {
        var node = row.Values.GetValueOrDefault(mapping.ExternalId);
        if (node is null && mapping.ExternalId == "id")
        {
            node = row.FeatureId;
        }

        var id = node is null ? null : Scalar(node)?.Trim();
        return string.IsNullOrEmpty(id) || id.Length > 100 || TextProblem(mapping.ExternalId, node) is not null ? null : id;
    }

    private static string? TextProblem(string column, JsonNode? value)
    {
        if (InputText.Problem(column) is { } columnProblem)
        {
            return "Column name: " + columnProblem;
        }

        switch (value)
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                try
                {
                    return InputText.Problem(v.GetValue<string>());
                }
                catch (InvalidOperationException)
                {
                    return "Contains a lone UTF-16 surrogate; it is not a character.";
                }

            case JsonValue:
                return null;
            default:
                // An object or array (GeoJSON properties): every string and key in it.
                var errors = new FieldErrors();
                using (var document = JsonDocument.Parse(value.ToJsonString()))
                {
                    InputText.Check(document.RootElement, column, errors);
                }

                return errors.IsEmpty ? null : string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value.Select(m => e.Key + ": " + m)));
        }
    }

    /// <summary>Validates what the OSM mapping made of an element as <see cref="Map"/> validates a CSV or GeoJSON row.</summary>
    private MappedRow? MapOsm(OsmElement element, OsmMapping mapping, Report report)
    {
        var id = element.ExternalId;
        if (!catalog.TryGet(element.Rule.Kind, out var kind))
        {
            // OsmMapping.Parse checks every rule's kind against the same catalog.
            throw new InvalidOperationException("The OSM mapping names an unknown kind: " + element.Rule.Kind);
        }

        var before = report.Count;
        var mapped = mapping.Apply(element.Rule, kind, element.Tags);
        foreach (var (field, reason) in mapped.Problems)
        {
            report.Add(element.Row, field, reason, id);
        }

        if (mapped.Name.Length > 200)
        {
            report.Add(element.Row, "tags.name", "The name has more than 200 characters.", id);
        }

        if (mapped.ManagingUnit is { Length: > 200 })
        {
            report.Add(element.Row, "tags.operator", "The managing unit has more than 200 characters.", id);
        }

        foreach (var (field, messages) in catalog.Validate(kind.Code, mapped.Attributes))
        {
            foreach (var message in messages)
            {
                report.Add(element.Row, field, message, id);
            }
        }

        var geometry = OsmGeometry(element, kind, report);
        return report.Count > before || geometry is null
            ? null
            : new MappedRow(id, kind.Code, mapped.Name, mapped.Status, mapped.ManagingUnit, mapped.Attributes, geometry);
    }

    /// <summary>
    /// A node's point; a way's line for a line kind, else a point on it: inside the area of a closed way
    /// (<c>InteriorPoint</c>, PostGIS <c>ST_PointOnSurface</c>), or the vertex nearest the middle of an open one.
    /// </summary>
    private static Geometry? OsmGeometry(OsmElement element, FacilityKind kind, Report report)
    {
        if (element.Coordinates is not { Length: > 0 } coordinates)
        {
            report.Add(element.Row, "geometry", element.Problem ?? "The element has no coordinates.", element.ExternalId);
            return null;
        }

        Geometry geometry;
        var distinct = coordinates.Distinct().Count();
        if (element.Type == OsmElementType.Node || distinct == 1)
        {
            geometry = Factory.CreatePoint(coordinates[0]);
        }
        else if (kind.Geometry == "LineString")
        {
            geometry = Factory.CreateLineString(coordinates);
        }
        else if (coordinates.Length >= 4 && distinct >= 3 && coordinates[0].Equals2D(coordinates[^1]) && Factory.CreatePolygon(coordinates) is { IsValid: true } area)
        {
            geometry = area.InteriorPoint;
        }
        else
        {
            geometry = Factory.CreateLineString(coordinates).InteriorPoint;
        }

        foreach (var message in FacilityKindCatalog.ValidateGeometryType(kind, geometry.GeometryType).SelectMany(e => e.Value))
        {
            report.Add(element.Row, "geometry", message, element.ExternalId);
            return null;
        }

        return CoordinateConverter.ToCgcs2000(geometry, InputCrs.WGS84);
    }

    private static Geometry? ReadGeometry(SourceRow row, ImportMapping mapping, Report report)
    {
        var errors = new FieldErrors();
        Geometry? geometry;
        if (mapping.Wkt is { } wktColumn)
        {
            var wkt = Raw(row, wktColumn);
            if (wkt is null)
            {
                report.Add(row.Row, wktColumn, "The geometry (WKT) is missing.");
                return null;
            }

            try
            {
                var parsed = new WKTReader().Read(wkt);
                geometry = CoordinateConverter.ToCgcs2000(parsed, mapping.Crs);
                if (geometry.IsEmpty || !geometry.IsValid)
                {
                    report.Add(row.Row, wktColumn, "The WKT geometry is empty or not valid.");
                    return null;
                }
            }
            catch (Exception ex) when (ex is ParseException or ArgumentException or FormatException or InvalidOperationException)
            {
                report.Add(row.Row, wktColumn, $"Cannot read '{Clip(wkt)}' as WKT: {ex.Message}");
                return null;
            }
        }
        else if (mapping.Lon is { } lonColumn && mapping.Lat is { } latColumn)
        {
            var lon = Coordinate(row, lonColumn, "longitude", report);
            var lat = Coordinate(row, latColumn, "latitude", report);
            if (lon is null || lat is null)
            {
                return null;
            }

            try
            {
                geometry = CoordinateConverter.ToCgcs2000(Factory.CreatePoint(new Coordinate(lon.Value, lat.Value)), mapping.Crs);
            }
            catch (ArgumentOutOfRangeException)
            {
                report.Add(row.Row, lonColumn, FormattableString.Invariant($"({lon}, {lat}) is not a longitude/latitude in degrees."));
                return null;
            }
        }
        else
        {
            geometry = JsonBody.ReadGeometry(row.Geometry, mapping.Crs, "geometry", errors);
            foreach (var (field, messages) in errors.ToDictionary())
            {
                foreach (var message in messages)
                {
                    report.Add(row.Row, field, message);
                }
            }
        }

        return geometry;
    }

    private static double? Coordinate(SourceRow row, string column, string what, Report report)
    {
        var node = row.Values.GetValueOrDefault(column);
        if (node is not null && node.GetValueKind() == JsonValueKind.Number)
        {
            return node.GetValue<double>();
        }

        var raw = Raw(row, column);
        if (raw is null)
        {
            report.Add(row.Row, column, $"The {what} is missing.");
            return null;
        }

        if (!double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            report.Add(row.Row, column, $"Cannot read '{Clip(raw)}' as a {what} in decimal degrees.");
            return null;
        }

        return value;
    }

    /// <summary>Turns source text into the attribute's JSON type where it reads as one; otherwise leaves it for Validate to refuse.</summary>
    private static JsonNode? Convert(AttributeDefinition? definition, JsonNode value)
    {
        if (definition is null || value.GetValueKind() != JsonValueKind.String)
        {
            return value.DeepClone();
        }

        var text = value.GetValue<string>().Trim();
        switch (definition.Type)
        {
            case AttributeValueType.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer):
                return JsonValue.Create(integer);
            case AttributeValueType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                return JsonValue.Create(number);
            case AttributeValueType.Boolean:
                switch (text.ToLowerInvariant())
                {
                    case "true" or "yes" or "y" or "1" or "是" or "有":
                        return JsonValue.Create(true);
                    case "false" or "no" or "n" or "0" or "否" or "无":
                        return JsonValue.Create(false);
                }

                break;
        }

        return JsonValue.Create(text);
    }

    private static string? Raw(SourceRow row, string column)
    {
        var node = row.Values.GetValueOrDefault(column);
        return node is null ? null : Scalar(node);
    }

    private static string? Scalar(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => node.ToJsonString(),
        JsonValueKind.Null => null,
        _ => node.ToJsonString(),
    };

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";

    private sealed class Report
    {
        private readonly List<RejectedRow> rows = [];
        private readonly HashSet<int> rejected = [];

        private string? currentExternalId;

        public int Count { get; private set; }

        public bool Rejected(int row) => rejected.Contains(row);

        /// <summary>Until disposed, reasons given without an external id name <paramref name="externalId"/> (the row being mapped).</summary>
        public IDisposable For(string? externalId)
        {
            currentExternalId = externalId;
            return new Scope(this);
        }

        public void Add(int row, string field, string reason, string? externalId = null)
        {
            Count++;
            rejected.Add(row);
            if (rows.Count < MaxReported)
            {
                rows.Add(new RejectedRow(row, field, reason, externalId ?? currentExternalId));
            }
        }

        private sealed class Scope(Report report) : IDisposable
        {
            public void Dispose() => report.currentExternalId = null;
        }

        public ImportOutcome Outcome(string source, int total, int skipped, string format) =>
            new(source, total, 0, 0, rejected.Count, rows.OrderBy(r => r.Row).ToList(), skipped, format);
    }
}
