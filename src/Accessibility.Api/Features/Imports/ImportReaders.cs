using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Imports;

/// <summary>One record of the source file.</summary>
/// <param name="Row">For CSV the line number where the record starts (the header is line 1); for GeoJSON the feature's 1-based position.</param>
/// <param name="Position">Bytes of the file read so far (for progress).</param>
/// <param name="Values">Column or property values; a CSV's empty field is null.</param>
/// <param name="Geometry">GeoJSON: the feature's geometry member.</param>
/// <param name="FeatureId">GeoJSON: the feature's id member.</param>
public sealed record SourceRow(int Row, long Position, IReadOnlyDictionary<string, JsonNode?> Values, JsonNode? Geometry, JsonNode? FeatureId);

/// <summary>Streams the records of a CSV or GeoJSON file held in memory, one callback per record.</summary>
public static class ImportReaders
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Whether the data look like JSON (first non-blank character '{').</summary>
    public static bool LooksLikeJson(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var b in data.AsSpan(data.AsSpan().StartsWith(Bom) ? 3 : 0))
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b == (byte)'{';
        }

        return false;
    }

    /// <summary>Reads the features of a GeoJSON FeatureCollection.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable FeatureCollection (malformed or truncated JSON).</exception>
    public static void ReadGeoJson(byte[] data, Action<SourceRow> onRow)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(onRow);
        var start = data.AsSpan().StartsWith(Bom) ? 3 : 0;
        var reader = new Utf8JsonReader(data.AsSpan(start), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var row = 0;
        var inFeature = false;
        var sawFeatures = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidDataException("Expected a GeoJSON FeatureCollection (a JSON object).");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFeatures = reader.ValueTextEquals("features"u8);
                reader.Read();
                if (!isFeatures)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new InvalidDataException("'features' must be an array.");
                }

                sawFeatures = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    row++;
                    inFeature = true;
                    var node = JsonNode.Parse(ref reader);
                    inFeature = false;
                    var feature = node as JsonObject;
                    var properties = feature?["properties"] as JsonObject;
                    var values = properties is null
                        ? new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
                        : properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                    onRow(new SourceRow(row, start + reader.BytesConsumed, values, feature?["geometry"], feature?["id"]));
                }
            }
        }
        catch (JsonException ex)
        {
            // Where: the feature that does not parse, or the last one read before the file went wrong elsewhere.
            var where = inFeature ? $"at feature {row}" : $"after feature {row}";
            throw new InvalidDataException(
                $"The GeoJSON cannot be read {where} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message}", ex);
        }

        if (!sawFeatures)
        {
            throw new InvalidDataException("Expected a GeoJSON FeatureCollection with a 'features' array.");
        }
    }

    /// <summary>
    /// Reads the first layer of a zipped ESRI Shapefile (<c>.shp</c> + <c>.dbf</c>, <c>.cpg</c> for the attribute
    /// encoding) as rows like a GeoJSON file's: attributes as values, the shape as a GeoJSON geometry (invalid shapes
    /// are kept as they are, for the caller's validation to name). Coordinates must be lon/lat: a <c>.prj</c> of a
    /// projected system is refused.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a zip, no .shp/.dbf pair, a projected .prj, or an unreadable shapefile.</exception>
    public static void ReadShapefileZip(byte[] data, Action<SourceRow> onRow)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(onRow);
        try
        {
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(data, writable: false), System.IO.Compression.ZipArchiveMode.Read);
            var shp = zip.Entries.Where(e => e.FullName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase) && !e.FullName.StartsWith("__MACOSX", StringComparison.Ordinal))
                .OrderBy(e => e.FullName, StringComparer.Ordinal).FirstOrDefault()
                ?? throw new InvalidDataException("The zip holds no .shp file.");
            var stem = shp.FullName[..^4];
            System.IO.Compression.ZipArchiveEntry? Sibling(string ext) =>
                zip.Entries.FirstOrDefault(e => e.FullName.Equals(stem + ext, StringComparison.OrdinalIgnoreCase));
            var dbf = Sibling(".dbf") ?? throw new InvalidDataException($"The zip holds {shp.FullName} but no {stem}.dbf.");
            if (Sibling(".prj") is { } prj)
            {
                using var prjReader = new StreamReader(prj.Open());
                if (prjReader.ReadToEnd().TrimStart().StartsWith("PROJCS", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException("The shapefile's coordinates are projected (.prj PROJCS): export it in lon/lat (CGCS2000 / WGS 84).");
                }
            }

            Encoding? encoding = null;
            if (Sibling(".cpg") is { } cpg)
            {
                using var cpgReader = new StreamReader(cpg.Open());
                var name = cpgReader.ReadToEnd().Trim();
                encoding = name.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || name.Equals("UTF8", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null;
            }

            using var shpStream = Copy(shp);
            using var dbfStream = Copy(dbf);
            var options = new NetTopologySuite.IO.Esri.Shapefiles.Readers.ShapefileReaderOptions
            {
                Encoding = encoding ?? Encoding.UTF8,
                GeometryBuilderMode = NetTopologySuite.IO.Esri.Shapefiles.Readers.GeometryBuilderMode.IgnoreInvalidShapes,
            };
            var row = 0;
            foreach (var feature in NetTopologySuite.IO.Esri.Shapefile.ReadAllFeatures(shpStream, dbfStream, options))
            {
                row++;
                var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                foreach (var attribute in feature.Attributes.GetNames())
                {
                    var value = feature.Attributes[attribute];
                    values[attribute] = value switch
                    {
                        null => null,
                        string text => JsonValue.Create(text.TrimEnd()),
                        DateTime date => JsonValue.Create(date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                        _ => JsonSerializer.SerializeToNode(value),
                    };
                }

                var geometry = feature.Geometry is null || feature.Geometry.IsEmpty ? null : JsonSerializer.SerializeToNode(feature.Geometry, GeoJsonOptions);
                onRow(new SourceRow(row, data.Length, values, geometry, null));
            }
        }
        catch (InvalidDataException)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ArgumentException or FormatException or IndexOutOfRangeException)
        {
            throw new InvalidDataException("The shapefile cannot be read: " + ex.Message, ex);
        }

        static MemoryStream Copy(System.IO.Compression.ZipArchiveEntry entry)
        {
            var memory = new MemoryStream();
            using (var source = entry.Open())
            {
                source.CopyTo(memory);
            }

            memory.Position = 0;
            return memory;
        }
    }

    private static readonly JsonSerializerOptions GeoJsonOptions = new() { Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() } };

    /// <summary>
    /// Reads a CSV file (RFC 4180: quoted fields may hold separators, quotes as "" and line breaks), UTF-8 with or
    /// without BOM; the first record is the header. Returns the header; <paramref name="onRow"/> gets every record.
    /// </summary>
    /// <exception cref="InvalidDataException">No header, or a record with more fields than the header.</exception>
    public static IReadOnlyList<string> ReadCsv(byte[] data, char delimiter, Func<IReadOnlyList<string>, bool> onHeader, Action<SourceRow> onRow)
    {
        ArgumentNullException.ThrowIfNull(onHeader);
        ArgumentNullException.ThrowIfNull(onRow);
        using var stream = new MemoryStream(data, writable: false);
        using var text = new StreamReader(stream, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var line = 1;
        var header = ReadRecord(text, delimiter, ref line) ?? throw new InvalidDataException("The CSV file is empty: expected a header line.");
        header = header.Select(h => h.Trim()).ToList();
        if (!onHeader(header))
        {
            return header;
        }

        while (true)
        {
            var startLine = line;
            var fields = ReadRecord(text, delimiter, ref line);
            if (fields is null)
            {
                break;
            }

            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            var values = new Dictionary<string, JsonNode?>(header.Count, StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                values[header[i]] = i < fields.Count && fields[i].Length > 0 ? JsonValue.Create(fields[i]) : null;
            }

            if (fields.Count > header.Count)
            {
                values["\0extra"] = JsonValue.Create(fields.Count);
            }

            onRow(new SourceRow(startLine, stream.Position, values, null, null));
        }

        return header;
    }

    private static List<string>? ReadRecord(StreamReader text, char delimiter, ref int line)
    {
        var c = text.Read();
        if (c < 0)
        {
            return null;
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        while (true)
        {
            if (c < 0)
            {
                fields.Add(field.ToString());
                return fields;
            }

            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (text.Peek() == '"')
                    {
                        text.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }
            }
            else if (ch == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (ch == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\r' or '\n')
            {
                if (ch == '\r' && text.Peek() == '\n')
                {
                    text.Read();
                }

                line++;
                fields.Add(field.ToString());
                return fields;
            }
            else
            {
                field.Append(ch);
            }

            c = text.Read();
        }
    }
}
