using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Accessibility.Api.Features.Evidence;

/// <summary>One row of a table of the package: its feature id, its column values in order, its geometry and WKT.</summary>
/// <param name="Id">Feature id (the record's id; for districts, the rank of the code).</param>
/// <param name="Values">Values of <see cref="EvidenceLayer.Columns"/>, null when empty.</param>
/// <param name="Geometry">The geometry (CGCS2000, SRID 4490), null for a table without geometry.</param>
/// <param name="Wkt">The geometry as WKT (PostGIS <c>ST_AsText</c>), null for a table without geometry.</param>
public sealed record EvidenceRow(long Id, object?[] Values, Geometry? Geometry, string? Wkt);

/// <summary>
/// Writes the geometry tables of the package as a GeoPackage 1.3 (OGC 12-128r18): SQLite through Microsoft.Data.Sqlite,
/// geometries in GeoPackage binary by NTS's <see cref="GeoPackageGeoWriter"/>, CGCS2000 (EPSG:4490) registered in
/// <c>gpkg_spatial_ref_sys</c>. SQLite writes the same file for the same statements in the same order with the same
/// library (the bundled e_sqlite3), so the file is deterministic: fixed page size, no journal file, rows in id order,
/// <c>gpkg_contents.last_change</c> = the package's as-of instant, never the clock.
/// </summary>
public static class EvidenceGeoPackage
{
    /// <summary>SRID of every layer: CGCS2000.</summary>
    public const int Srid = 4490;

    /// <summary>"GPKG" as SQLite's application id (GeoPackage 1.2 and later).</summary>
    private const int ApplicationId = 0x47504B47;

    /// <summary>GeoPackage 1.3.0 as SQLite's user version.</summary>
    private const int UserVersion = 10300;

    private const string Cgcs2000Wkt =
        "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101,"
        + "AUTHORITY[\"EPSG\",\"1024\"]],AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
        + "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4490\"]]";

    private const string Wgs84Wkt =
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],"
        + "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
        + "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]";

    /// <summary>
    /// The GeoPackage of <paramref name="tables"/> (those with a geometry type), each layer's <c>last_change</c> being
    /// <paramref name="lastChange"/>.
    /// </summary>
    public static byte[] Write(IReadOnlyList<(EvidenceLayer Layer, IReadOnlyList<EvidenceRow> Rows)> tables, DateTimeOffset lastChange)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var path = Path.Combine(Path.GetTempPath(), "evidence-" + Guid.NewGuid().ToString("N") + ".gpkg");
        try
        {
            var text = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
            using (var connection = new SqliteConnection(text))
            {
                connection.Open();
                // Before the first table: the page size fixes the layout; the journal stays in memory (no side file).
                Execute(connection, null, "PRAGMA page_size = 4096; PRAGMA journal_mode = MEMORY; "
                    + FormattableString.Invariant($"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {UserVersion};"));
                using var transaction = connection.BeginTransaction();
                CreateCoreTables(connection, transaction);
                var stamp = Timestamp(lastChange);
                foreach (var (layer, rows) in tables.Where(t => t.Layer.GeometryType is not null))
                {
                    WriteLayer(connection, transaction, layer, rows, stamp);
                }

                transaction.Commit();
            }

            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>An instant as GeoPackage writes it: UTC, milliseconds, <c>Z</c>.</summary>
    public static string Timestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void CreateCoreTables(SqliteConnection connection, SqliteTransaction transaction)
    {
        // The table definitions of GeoPackage 1.3, Annex C (C.1–C.3), verbatim but for the default of last_change.
        Execute(connection, transaction, """
            CREATE TABLE gpkg_spatial_ref_sys (
              srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (
              table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
              last_change DATETIME NOT NULL, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (
              table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
              z TINYINT NOT NULL, m TINYINT NOT NULL,
              CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
              CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
              CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            """);
        using var srs = Command(connection, transaction,
            "INSERT INTO gpkg_spatial_ref_sys VALUES ($name, $id, $org, $orgId, $definition, $description)",
            "$name", "$id", "$org", "$orgId", "$definition", "$description");
        void Srs(string name, int id, string org, int orgId, string definition, string description)
        {
            Set(srs, name, id, org, orgId, definition, description);
            srs.ExecuteNonQuery();
        }

        // The three rows GeoPackage requires, then the registry's datum.
        Srs("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system");
        Srs("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system");
        Srs("WGS 84 geodetic", 4326, "EPSG", 4326, Wgs84Wkt, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid");
        Srs("China Geodetic Coordinate System 2000", Srid, "EPSG", Srid, Cgcs2000Wkt,
            "CGCS2000 (2000国家大地坐标系), longitude/latitude in decimal degrees: the registry's stored datum");
    }

    private static void WriteLayer(SqliteConnection connection, SqliteTransaction transaction, EvidenceLayer layer, IReadOnlyList<EvidenceRow> rows, string lastChange)
    {
        var columns = new StringBuilder();
        columns.Append(Quote(EvidenceLayers.IdColumn)).Append(" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, ")
            .Append(Quote(EvidenceLayers.GeometryColumn)).Append(' ').Append(layer.GeometryType);
        foreach (var column in layer.Columns)
        {
            columns.Append(", ").Append(Quote(column.Name)).Append(' ').Append(SqliteType(column.Type));
        }

        Execute(connection, transaction, "CREATE TABLE " + Quote(layer.Name) + " (" + columns + ")");

        var envelope = new Envelope();
        foreach (var row in rows)
        {
            if (row.Geometry is { IsEmpty: false } g)
            {
                envelope.ExpandToInclude(g.EnvelopeInternal);
            }
        }

        using (var contents = Command(connection, transaction,
            "INSERT INTO gpkg_contents VALUES ($t, 'features', $t, $d, $c, $x0, $y0, $x1, $y1, $srs)", "$t", "$d", "$c", "$x0", "$y0", "$x1", "$y1", "$srs"))
        {
            var bounded = !envelope.IsNull;
            Set(contents, layer.Name, layer.Zh + " " + layer.En, lastChange,
                bounded ? envelope.MinX : null, bounded ? envelope.MinY : null, bounded ? envelope.MaxX : null, bounded ? envelope.MaxY : null, Srid);
            contents.ExecuteNonQuery();
        }

        using (var geometryColumns = Command(connection, transaction,
            "INSERT INTO gpkg_geometry_columns VALUES ($t, $c, $g, $srs, 0, 0)", "$t", "$c", "$g", "$srs"))
        {
            Set(geometryColumns, layer.Name, EvidenceLayers.GeometryColumn, layer.GeometryType, Srid);
            geometryColumns.ExecuteNonQuery();
        }

        var names = new List<string> { "$fid", "$geom" };
        names.AddRange(layer.Columns.Select((_, i) => "$c" + i.ToString(CultureInfo.InvariantCulture)));
        using var insert = Command(connection, transaction,
            "INSERT INTO " + Quote(layer.Name) + " VALUES (" + string.Join(", ", names) + ")", [.. names]);
        var writer = new GeoPackageGeoWriter { HandleOrdinates = Ordinates.XY };
        var values = new object?[names.Count];
        foreach (var row in rows)
        {
            values[0] = row.Id;
            values[1] = row.Geometry is null ? null : writer.Write(row.Geometry);
            for (var i = 0; i < layer.Columns.Count; i++)
            {
                values[i + 2] = Stored(layer.Columns[i].Type, row.Values[i]);
            }

            Set(insert, values);
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>The value as SQLite stores it for a column of <paramref name="type"/>.</summary>
    private static object? Stored(EvidenceType type, object? value) => value switch
    {
        null => null,
        bool b => b ? 1L : 0L,
        DateTime t => Timestamp(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))),
        DateTimeOffset t => Timestamp(t),
        decimal d when type == EvidenceType.Decimal => (double)d,
        _ => value,
    };

    private static string SqliteType(EvidenceType type) => type switch
    {
        EvidenceType.Integer => "INTEGER",
        EvidenceType.Real or EvidenceType.Decimal => "REAL",
        EvidenceType.Boolean => "BOOLEAN",
        EvidenceType.DateTime => "DATETIME",
        _ => "TEXT",
    };

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
