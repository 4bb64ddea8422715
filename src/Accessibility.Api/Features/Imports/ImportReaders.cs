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
                    var node = JsonNode.Parse(ref reader);
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
            throw new InvalidDataException(
                $"The GeoJSON cannot be read after feature {row} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message}", ex);
        }

        if (!sawFeatures)
        {
            throw new InvalidDataException("Expected a GeoJSON FeatureCollection with a 'features' array.");
        }
    }

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
