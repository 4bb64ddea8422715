using System.Data;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Dbf.Fields;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;
using Npgsql;

namespace Accessibility.Api.Features.Exports;

/// <summary>
/// Writes the rows of an export query as they are read, so memory stays flat whatever the size:
/// GeoJSON and CSV straight into the response, shapefiles into a temporary directory (a shapefile's
/// header holds its extent and length, known only at the end) that is then zipped into the response.
/// </summary>
internal static class ExportWriters
{
    /// <summary>ESRI WKT of CGCS2000 (EPSG:4490), the content of every <c>.prj</c>.</summary>
    public const string Cgcs2000Prj =
        "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],"
        + "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

    private const int FlushBytes = 64 * 1024;

    /// <summary>A FeatureCollection: one Feature per row, built by PostGIS.</summary>
    public static async Task GeoJsonAsync(NpgsqlDataReader reader, Stream body, string name, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), FlushBytes, leaveOpen: true);
        await writer.WriteAsync("{\"type\":\"FeatureCollection\",\"name\":\"" + name + "\",\"features\":[\n");
        var first = true;
        var pending = 0;
        while (await reader.ReadAsync(ct))
        {
            var feature = reader.GetString(0);
            if (!first)
            {
                await writer.WriteAsync(",\n");
            }

            first = false;
            await writer.WriteAsync(feature);
            pending += feature.Length;
            if (pending > FlushBytes)
            {
                await writer.FlushAsync(ct);
                pending = 0;
            }
        }

        await writer.WriteAsync("\n]}\n");
        await writer.FlushAsync(ct);
    }

    /// <summary>
    /// CSV (RFC 4180) in UTF-8 with a byte-order mark, so that Excel shows Chinese text: a header, then the
    /// layer's columns, <c>lon</c>, <c>lat</c> and <c>wkt</c> (CGCS2000 ≈ WGS 84 longitude/latitude).
    /// </summary>
    public static async Task CsvAsync(NpgsqlDataReader reader, Stream body, ExportLayer layer, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(true), FlushBytes, leaveOpen: true);
        var line = new StringBuilder();
        line.AppendJoin(',', layer.Columns.Select(c => c.Name)).Append(",lon,lat,wkt\r\n");
        await writer.WriteAsync(line.ToString());
        var n = layer.Columns.Count;
        var pending = 0;
        while (await reader.ReadAsync(ct))
        {
            line.Clear();
            for (var i = 0; i < n; i++)
            {
                var type = layer.Columns[i].Type;
                line.Append(Csv(Text(reader, i, type), guard: type == ExportType.Text)).Append(',');
            }

            line.Append(Text(reader, n, ExportType.Double)).Append(',')
                .Append(Text(reader, n + 1, ExportType.Double)).Append(',')
                .Append(Csv(reader.IsDBNull(n + 2) ? "" : reader.GetString(n + 2), guard: false)).Append("\r\n");
            await writer.WriteAsync(line.ToString());
            pending += line.Length;
            if (pending > FlushBytes)
            {
                await writer.FlushAsync(ct);
                pending = 0;
            }
        }

        await writer.FlushAsync(ct);
    }

    /// <summary>
    /// Shapefiles of the rows in <paramref name="directory"/>, one per shape type met (a layer of points and lines,
    /// such as facilities with tactile paving, gives <c>name_point</c> and <c>name_line</c>), each with
    /// <c>.shp .shx .dbf</c>, <c>.prj</c> (CGCS2000) and <c>.cpg</c> (UTF-8); then a zip of them at <paramref name="zipPath"/>.
    /// </summary>
    public static async Task ShapefileZipAsync(NpgsqlDataReader reader, ExportLayer layer, ShapeType defaultType, bool mixed, string directory, string zipPath, CancellationToken ct)
    {
        var writers = new Dictionary<ShapeType, ShapefileWriter>();
        var n = layer.Columns.Count;
        try
        {
            // The reader is sequential: columns are read in order, the geometry (last) before choosing the writer.
            var values = new object?[n + 2];
            while (await reader.ReadAsync(ct))
            {
                for (var i = 0; i < n; i++)
                {
                    values[i] = Value(reader, i, layer.Columns[i]);
                }

                values[n] = reader.IsDBNull(n) ? null : reader.GetDouble(n);
                values[n + 1] = reader.IsDBNull(n + 1) ? null : reader.GetDouble(n + 1);
                var geometry = reader.GetFieldValue<Geometry>(n + 2);
                var type = ShapeTypeOf(geometry);
                if (!writers.TryGetValue(type, out var writer))
                {
                    writers[type] = writer = Open(layer, type, mixed, directory);
                }

                var fields = writer.Fields;
                for (var i = 0; i < values.Length; i++)
                {
                    fields[i].Value = values[i];
                }

                writer.Geometry = geometry;
                writer.Write();
            }

            if (writers.Count == 0)
            {
                writers[defaultType] = Open(layer, defaultType, mixed, directory);
            }
        }
        finally
        {
            foreach (var w in writers.Values)
            {
                w.Dispose();
            }
        }

        foreach (var type in writers.Keys)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, FileName(layer, type, mixed) + ".cpg"), "UTF-8", ct);
            await File.WriteAllTextAsync(Path.Combine(directory, FileName(layer, type, mixed) + ".prj"), Cgcs2000Prj, ct);
        }

        ZipFile.CreateFromDirectory(directory, zipPath, CompressionLevel.Fastest, includeBaseDirectory: false);
    }

    private static ShapefileWriter Open(ExportLayer layer, ShapeType type, bool mixed, string directory)
    {
        var fields = layer.Columns.Select(Field).Append(new DbfNumericDoubleField("lon", 19, 7)).Append(new DbfNumericDoubleField("lat", 19, 7)).ToArray();
        var options = new ShapefileWriterOptions(type, fields) { Encoding = Encoding.UTF8, Projection = Cgcs2000Prj };
        return Shapefile.OpenWrite(Path.Combine(directory, FileName(layer, type, mixed) + ".shp"), options);
    }

    private static string FileName(ExportLayer layer, ShapeType type, bool mixed) => !mixed ? layer.Name : type switch
    {
        ShapeType.Point => layer.Name + "_point",
        ShapeType.PolyLine => layer.Name + "_line",
        ShapeType.Polygon => layer.Name + "_polygon",
        _ => layer.Name + "_" + type.ToString().ToLowerInvariant(),
    };

    private static DbfField Field(ExportColumn column) => column.Type switch
    {
        ExportType.Int64 => new DbfNumericInt64Field(column.DbfName, 18), // 18 digits: GDAL reads Integer64 (19 would be Real)
        ExportType.Int32 => new DbfNumericInt32Field(column.DbfName),
        ExportType.Double => new DbfNumericDoubleField(column.DbfName, 19, 3),
        ExportType.Boolean => new DbfLogicalField(column.DbfName),
        _ => new DbfCharacterField(column.DbfName, column.Width),
    };

    private static ShapeType ShapeTypeOf(Geometry geometry) => geometry switch
    {
        Point => ShapeType.Point,
        MultiPoint => ShapeType.MultiPoint,
        LineString or MultiLineString => ShapeType.PolyLine,
        Polygon or MultiPolygon => ShapeType.Polygon,
        _ => throw new InvalidDataException("No shapefile type for " + geometry.GeometryType + "."),
    };

    /// <summary>A DBF value: text cut to the field's width in UTF-8 bytes, on a character boundary.</summary>
    private static object? Value(NpgsqlDataReader reader, int i, ExportColumn column)
    {
        if (reader.IsDBNull(i))
        {
            return null;
        }

        return column.Type switch
        {
            ExportType.Int64 => reader.GetInt64(i),
            ExportType.Int32 => reader.GetInt32(i),
            ExportType.Double => reader.GetDouble(i),
            ExportType.Boolean => reader.GetBoolean(i),
            ExportType.Timestamp => Timestamp(reader, i),
            _ => Cut(reader.GetString(i), column.Width),
        };
    }

    private static string Cut(string text, int bytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= bytes)
        {
            return text;
        }

        var end = text.Length;
        while (end > 0 && Encoding.UTF8.GetByteCount(text.AsSpan(0, end)) > bytes)
        {
            end--;
        }

        if (end > 0 && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return text[..end];
    }

    private static string Text(IDataRecord reader, int i, ExportType type)
    {
        if (reader.IsDBNull(i))
        {
            return "";
        }

        return type switch
        {
            ExportType.Int64 => reader.GetInt64(i).ToString(CultureInfo.InvariantCulture),
            ExportType.Int32 => reader.GetInt32(i).ToString(CultureInfo.InvariantCulture),
            ExportType.Double => reader.GetDouble(i).ToString("R", CultureInfo.InvariantCulture),
            ExportType.Boolean => reader.GetBoolean(i) ? "true" : "false",
            ExportType.Timestamp => Timestamp((NpgsqlDataReader)reader, i),
            _ => reader.GetString(i),
        };
    }

    private static string Timestamp(NpgsqlDataReader reader, int i) =>
        reader.GetFieldValue<DateTimeOffset>(i).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// One CSV field: quoted when it holds a comma, quote or line break; with <paramref name="guard"/> (free
    /// text), a value starting with = + - @ or a control character is prefixed with an apostrophe, so that a
    /// spreadsheet never runs it as a formula.
    /// </summary>
    internal static string Csv(string value, bool guard)
    {
        if (guard && value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
