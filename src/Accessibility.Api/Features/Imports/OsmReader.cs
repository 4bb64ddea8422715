using System.Text;
using System.Xml;
using NetTopologySuite.Geometries;
using OsmSharp;
using OsmSharp.Streams;

namespace Accessibility.Api.Features.Imports;

/// <summary>The two encodings of OpenStreetMap data.</summary>
public enum OsmFileFormat
{
    /// <summary>OSM XML (<c>.osm</c>).</summary>
    Xml,

    /// <summary>Protocol-buffer binary format (<c>.osm.pbf</c>).</summary>
    Pbf,
}

/// <summary>One OSM element a rule of the mapping took, with its coordinates.</summary>
/// <param name="Row">1-based position of the element in the file.</param>
/// <param name="Type">Node or way.</param>
/// <param name="Id">OSM id.</param>
/// <param name="Tags">Looks a key up.</param>
/// <param name="Rule">The rule that matched.</param>
/// <param name="Coordinates">The node's coordinate, or the way's node coordinates in order (WGS 84 lon/lat); null when <paramref name="Problem"/> says why.</param>
/// <param name="Problem">Why the element has no usable coordinates, or null.</param>
public sealed record OsmElement(int Row, OsmElementType Type, long Id, Func<string, string?> Tags, OsmRule Rule, Coordinate[]? Coordinates, string? Problem)
{
    /// <summary>External id: <c>osm:node/123</c>, <c>osm:way/456</c>.</summary>
    public string ExternalId => (Type == OsmElementType.Node ? "osm:node/" : "osm:way/") + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Reads OpenStreetMap XML or PBF held in memory with OsmSharp, in two passes so that memory stays flat with the
/// file's size: the first pass reads only ways and notes the nodes of the ways a rule takes; the second reads
/// everything, keeps the coordinates of just those nodes, and hands over each mapped node as it comes and each
/// mapped way at the end (so files whose ways come before their nodes are read correctly too).
/// </summary>
public static class OsmReader
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Whether the data start like an OSM PBF file: a small BlobHeader of type "OSMHeader".</summary>
    public static bool LooksLikePbf(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < 16)
        {
            return false;
        }

        var headerLength = (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
        // BlobHeader: field 1 (type, string): 0x0A, length 9, "OSMHeader".
        return headerLength is > 0 and < 64 * 1024 && data[4] == 0x0A && data[5] == 9
            && data.AsSpan(6, 9).SequenceEqual("OSMHeader"u8);
    }

    /// <summary>Whether the data look like OSM XML: an XML document whose first element is &lt;osm&gt;.</summary>
    public static bool LooksLikeOsmXml(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var start = data.AsSpan().StartsWith(Bom) ? 3 : 0;
        var head = Encoding.UTF8.GetString(data, start, Math.Min(data.Length - start, 4096)).TrimStart();
        if (!head.StartsWith('<'))
        {
            return false;
        }

        // Skip the declaration and comments; the first element must be <osm (or <osmChange is not supported: it says so later).
        var index = 0;
        while (index < head.Length)
        {
            var open = head.IndexOf('<', index);
            if (open < 0 || open + 1 >= head.Length)
            {
                return false;
            }

            if (head[open + 1] is '?' or '!')
            {
                var close = head.IndexOf('>', open);
                if (close < 0)
                {
                    return false;
                }

                index = close + 1;
                continue;
            }

            return head.AsSpan(open + 1).StartsWith("osm", StringComparison.Ordinal);
        }

        return false;
    }

    /// <summary>Reads the elements; see the class summary.</summary>
    /// <param name="data">The file.</param>
    /// <param name="format">XML or PBF.</param>
    /// <param name="mapping">Decides which elements are taken.</param>
    /// <param name="onElement">Each element a rule took.</param>
    /// <param name="onProgress">(elements read in the second pass, bytes of progress out of twice the file's length).</param>
    /// <param name="ct">Cancellation, checked between blocks of elements.</param>
    /// <returns>Elements read (nodes, ways and relations).</returns>
    /// <exception cref="InvalidDataException">The file cannot be read: truncated, damaged, or not OSM.</exception>
    public static int Read(byte[] data, OsmFileFormat format, OsmMapping mapping, Action<OsmElement> onElement, Action<int, long> onProgress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(onElement);
        ArgumentNullException.ThrowIfNull(onProgress);
        if (format == OsmFileFormat.Pbf && !LooksLikePbf(data))
        {
            // Checked first: a reader given other bytes would take them for a block length of up to 4 GB.
            throw new InvalidDataException("The file is not an .osm.pbf file: it does not start with an OSMHeader block.");
        }

        // Pass 1: the nodes the taken ways need.
        var needed = new HashSet<long>();
        Scan(data, format, ignoreNodes: true, (osm, position) =>
        {
            if (osm is Way way && way.Nodes is { } nodes && mapping.Match(OsmElementType.Way, Lookup(way)) is not null)
            {
                needed.UnionWith(nodes);
            }

            onProgress(0, position / 2);
            ct.ThrowIfCancellationRequested();
        });

        // Pass 2: everything; mapped ways wait until every node has been seen.
        var coordinates = new Dictionary<long, Coordinate?>(needed.Count);
        var ways = new List<(int Row, Way Way, OsmRule Rule)>();
        var row = 0;
        Scan(data, format, ignoreNodes: false, (osm, position) =>
        {
            row++;
            switch (osm)
            {
                case Node node:
                    var coordinate = node.Longitude is { } lon && node.Latitude is { } lat && double.IsFinite(lon) && double.IsFinite(lat)
                        && lon is >= -180 and <= 180 && lat is >= -90 and <= 90
                        ? new Coordinate(lon, lat)
                        : null;
                    if (node.Id is { } nodeId && needed.Contains(nodeId))
                    {
                        coordinates[nodeId] = coordinate;
                    }

                    if (node.Tags is { Count: > 0 } && mapping.Match(OsmElementType.Node, Lookup(node)) is { } nodeRule)
                    {
                        onElement(new OsmElement(row, OsmElementType.Node, node.Id ?? 0, Lookup(node), nodeRule, coordinate is null ? null : [coordinate],
                            coordinate is null ? "The node has no valid latitude/longitude." : null));
                    }

                    break;
                case Way way when way.Tags is { Count: > 0 } && mapping.Match(OsmElementType.Way, Lookup(way)) is { } wayRule:
                    ways.Add((row, way, wayRule));
                    break;
            }

            onProgress(row, (data.LongLength + position) / 2);
            ct.ThrowIfCancellationRequested();
        });

        foreach (var (wayRow, way, rule) in ways)
        {
            var refs = way.Nodes ?? [];
            var points = new List<Coordinate>(refs.Length);
            string? problem = refs.Length == 0 ? "The way has no nodes." : null;
            foreach (var id in refs)
            {
                if (!coordinates.TryGetValue(id, out var c))
                {
                    problem = $"The way refers to node {id.ToString(System.Globalization.CultureInfo.InvariantCulture)}, which the file does not contain (extract with complete ways).";
                    break;
                }

                if (c is null)
                {
                    problem = $"Node {id.ToString(System.Globalization.CultureInfo.InvariantCulture)} of the way has no valid latitude/longitude.";
                    break;
                }

                points.Add(c);
            }

            onElement(new OsmElement(wayRow, OsmElementType.Way, way.Id ?? 0, Lookup(way), rule, problem is null ? points.ToArray() : null, problem));
        }

        return row;
    }

    private static Func<string, string?> Lookup(OsmGeo osm)
    {
        var tags = osm.Tags;
        return key => tags is not null && tags.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>Enumerates the file; reader failures (not the callback's) become <see cref="InvalidDataException"/>.</summary>
    private static void Scan(byte[] data, OsmFileFormat format, bool ignoreNodes, Action<OsmGeo, long> onElement)
    {
        using var stream = new MemoryStream(data, writable: false);
        OsmStreamSource source = format == OsmFileFormat.Pbf ? new PBFOsmStreamSource(stream) : new XmlOsmStreamSource(stream);
        while (true)
        {
            OsmGeo? current;
            try
            {
                if (!source.MoveNext(ignoreNodes, false, ignoreNodes))
                {
                    break;
                }

                current = source.Current();
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                throw new InvalidDataException(Describe(format, ex, stream.Position, data.LongLength), ex);
            }

            if (current is not null)
            {
                onElement(current, Math.Min(stream.Position, data.LongLength));
            }
        }
    }

    private static string Describe(OsmFileFormat format, Exception ex, long position, long length)
    {
        var after = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at byte {Math.Min(position, length):N0} of {length:N0}");
        if (format == OsmFileFormat.Pbf)
        {
            return ex is EndOfStreamException
                ? $"The .osm.pbf file ends in the middle of a block ({after}): it is truncated. Download or copy it again."
                : $"The .osm.pbf file is damaged or not OSM PBF ({after}): {ex.Message}";
        }

        var xml = ex as XmlException ?? ex.InnerException as XmlException;
        return xml is not null
            ? $"The OSM XML is malformed ({after}): {xml.Message}"
            : $"The OSM XML cannot be read ({after}): {ex.Message}";
    }
}
