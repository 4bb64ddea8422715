using System.Data;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;
using Accessibility.Api.Features.Facilities;
using nietras.SeparatedValues;
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
    /// A facility's attributes are typed DBF columns, one per attribute of the kinds of that shape type
    /// (<see cref="ShapefileLayout"/>), named in <c>name_fields.csv</c>; a value a DBF field cannot hold whole (text over
    /// 254 bytes, an attribute outside its kind's schema or of another type) leaves its cell empty and goes whole to
    /// <c>name_overflow.csv</c>: nothing is cut.
    /// </summary>
    public static async Task ShapefileZipAsync(
        NpgsqlDataReader reader, ExportLayer layer, ShapeType defaultType, bool mixed, FacilityKindCatalog kinds, string directory, string zipPath, CancellationToken ct)
    {
        var writers = new Dictionary<ShapeType, (ShapefileWriter Writer, ShapefileLayout Layout)>();
        var n = layer.Columns.Count;
        var overflowPath = Path.Combine(directory, layer.Name + "_overflow.csv");
        using (var overflow = Sep.New(',').Writer(o => o with { Escape = true }).ToFile(overflowPath))
        {
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
                    if (!writers.TryGetValue(type, out var open))
                    {
                        var layout = new ShapefileLayout(layer, type, kinds);
                        writers[type] = open = (Open(layer, layout, type, mixed, directory), layout);
                    }

                    var id = System.Convert.ToString(values[0], CultureInfo.InvariantCulture) ?? "";
                    open.Layout.Fill(values, open.Writer.Fields, (field, value) =>
                    {
                        using var row = overflow.NewRow();
                        row["file"].Set(FileName(layer, type, mixed));
                        row[layer.Columns[0].Name].Set(id);
                        row["field"].Set(field);
                        row["value"].Set(value);
                    });
                    open.Writer.Geometry = geometry;
                    open.Writer.Write();
                }

                if (writers.Count == 0)
                {
                    var layout = new ShapefileLayout(layer, defaultType, kinds);
                    writers[defaultType] = (Open(layer, layout, defaultType, mixed, directory), layout);
                }
            }
            finally
            {
                foreach (var (w, _) in writers.Values)
                {
                    w.Dispose();
                }
            }
        }

        if (new FileInfo(overflowPath).Length == 0)
        {
            // No overflow: the header alone, so that a client finds the table and knows nothing was left out.
            await File.WriteAllTextAsync(overflowPath, "file," + layer.Columns[0].Name + ",field,value\r\n", ct);
        }

        using (var fields = Sep.New(',').Writer(o => o with { Escape = true }).ToFile(Path.Combine(directory, layer.Name + "_fields.csv")))
        {
            foreach (var (type, (_, layout)) in writers.OrderBy(w => FileName(layer, w.Key, mixed), StringComparer.Ordinal))
            {
                foreach (var entry in layout.Mapping)
                {
                    using var row = fields.NewRow();
                    row["file"].Set(FileName(layer, type, mixed));
                    row["column"].Set(entry.Column);
                    row["field"].Set(entry.Field);
                    row["kind"].Set(entry.Kind ?? "");
                    row["type"].Set(entry.Type);
                    row["unit"].Set(entry.Unit ?? "");
                    row["label_zh"].Set(entry.LabelZh ?? "");
                    row["label_en"].Set(entry.LabelEn ?? "");
                }
            }
        }

        foreach (var type in writers.Keys)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, FileName(layer, type, mixed) + ".cpg"), "UTF-8", ct);
            await File.WriteAllTextAsync(Path.Combine(directory, FileName(layer, type, mixed) + ".prj"), Cgcs2000Prj, ct);
        }

        ZipFile.CreateFromDirectory(directory, zipPath, CompressionLevel.Fastest, includeBaseDirectory: false);
    }

    private static ShapefileWriter Open(ExportLayer layer, ShapefileLayout layout, ShapeType type, bool mixed, string directory)
    {
        var options = new ShapefileWriterOptions(type, [.. layout.Fields]) { Encoding = Encoding.UTF8, Projection = Cgcs2000Prj };
        return Shapefile.OpenWrite(Path.Combine(directory, FileName(layer, type, mixed) + ".shp"), options);
    }

    /// <summary>The file name (without extension) of a layer's shapefile of one shape type.</summary>
    internal static string FileName(ExportLayer layer, ShapeType type, bool mixed) => !mixed ? layer.Name : type switch
    {
        ShapeType.Point => layer.Name + "_point",
        ShapeType.PolyLine => layer.Name + "_line",
        ShapeType.Polygon => layer.Name + "_polygon",
        _ => layer.Name + "_" + type.ToString().ToLowerInvariant(),
    };

    private static ShapeType ShapeTypeOf(Geometry geometry) => geometry switch
    {
        Point => ShapeType.Point,
        MultiPoint => ShapeType.MultiPoint,
        LineString or MultiLineString => ShapeType.PolyLine,
        Polygon or MultiPolygon => ShapeType.Polygon,
        _ => throw new InvalidDataException("No shapefile type for " + geometry.GeometryType + "."),
    };

    /// <summary>A column's value as read: text whole (the layout decides whether a DBF field holds it).</summary>
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
            _ => reader.GetString(i),
        };
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
