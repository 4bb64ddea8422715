using System.Text;

namespace Accessibility.Api.Tests.Tiles;

/// <summary>A feature of a decoded tile: id, geometry type (1 point, 2 line, 3 polygon) and properties.</summary>
internal sealed record MvtFeature(ulong Id, int Type, Dictionary<string, object?> Properties);

/// <summary>
/// A tiny reader of the Mapbox Vector Tile protobuf (spec 2.1): layers (field 3) with name (1), features (2), keys
/// (3), values (4) and extent (5); features with id (1), packed tags (2), type (3) and packed geometry (4).
/// </summary>
internal static class MvtReader
{
    public static Dictionary<string, List<MvtFeature>> Read(byte[] tile)
    {
        var layers = new Dictionary<string, List<MvtFeature>>(StringComparer.Ordinal);
        var pos = 0;
        while (pos < tile.Length)
        {
            var (field, wire) = Key(tile, ref pos);
            var bytes = Payload(tile, ref pos, wire);
            if (field == 3 && bytes is not null)
            {
                var (name, features) = Layer(bytes);
                layers[name] = features;
            }
        }

        return layers;
    }

    private static (string Name, List<MvtFeature> Features) Layer(byte[] data)
    {
        var name = "";
        var keys = new List<string>();
        var values = new List<object?>();
        var raw = new List<byte[]>();
        var pos = 0;
        while (pos < data.Length)
        {
            var (field, wire) = Key(data, ref pos);
            var bytes = Payload(data, ref pos, wire);
            switch (field)
            {
                case 1: name = Encoding.UTF8.GetString(bytes!); break;
                case 2: raw.Add(bytes!); break;
                case 3: keys.Add(Encoding.UTF8.GetString(bytes!)); break;
                case 4: values.Add(Value(bytes!)); break;
            }
        }

        var features = raw.Select(f =>
        {
            ulong id = 0;
            var type = 0;
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            var p = 0;
            while (p < f.Length)
            {
                var (field, wire) = Key(f, ref p);
                if (wire == 0)
                {
                    var v = Varint(f, ref p);
                    if (field == 1)
                    {
                        id = v;
                    }
                    else if (field == 3)
                    {
                        type = (int)v;
                    }

                    continue;
                }

                var bytes = Payload(f, ref p, wire)!;
                if (field == 2)
                {
                    var q = 0;
                    while (q < bytes.Length)
                    {
                        var k = (int)Varint(bytes, ref q);
                        var v = (int)Varint(bytes, ref q);
                        properties[keys[k]] = values[v];
                    }
                }
            }

            return new MvtFeature(id, type, properties);
        }).ToList();
        return (name, features);
    }

    private static object? Value(byte[] data)
    {
        var pos = 0;
        object? value = null;
        while (pos < data.Length)
        {
            var (field, wire) = Key(data, ref pos);
            switch (wire)
            {
                case 0:
                    var v = Varint(data, ref pos);
                    value = field switch { 6 => (long)(v >> 1) ^ -(long)(v & 1), 7 => v != 0, 5 => v, _ => (long)v };
                    break;
                case 1:
                    value = BitConverter.ToDouble(data, pos);
                    pos += 8;
                    break;
                case 5:
                    value = (double)BitConverter.ToSingle(data, pos);
                    pos += 4;
                    break;
                default:
                    value = Encoding.UTF8.GetString(Payload(data, ref pos, wire)!);
                    break;
            }
        }

        return value;
    }

    private static (int Field, int Wire) Key(byte[] data, ref int pos)
    {
        var key = Varint(data, ref pos);
        return ((int)(key >> 3), (int)(key & 7));
    }

    private static byte[]? Payload(byte[] data, ref int pos, int wire)
    {
        switch (wire)
        {
            case 0: Varint(data, ref pos); return null;
            case 1: pos += 8; return null;
            case 5: pos += 4; return null;
            case 2:
                var length = (int)Varint(data, ref pos);
                var bytes = data.AsSpan(pos, length).ToArray();
                pos += length;
                return bytes;
            default: throw new InvalidDataException("Unsupported wire type " + wire);
        }
    }

    private static ulong Varint(byte[] data, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }
}
