using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using VectorTileDefinition = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Accessibility.Api.Tests.Tiles;

/// <summary>A feature of a decoded tile: its id (null for a cluster), geometry in lon/lat, and properties.</summary>
internal sealed record TileFeature(long? Id, Geometry Geometry, IReadOnlyDictionary<string, object?> Properties)
{
    public object? this[string key] => Properties.TryGetValue(key, out var v) ? v : null;

    public long Count => Convert.ToInt64(this["count"] ?? 1L, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Decodes a Mapbox Vector Tile with NetTopologySuite's reader (protobuf-net underneath).</summary>
internal static class Mvt
{
    public static Dictionary<string, List<TileFeature>> Read(byte[] tile, int z, int x, int y)
    {
        var reader = new MapboxTileReader();
        using var stream = new MemoryStream(tile);
        var decoded = reader.Read(stream, new VectorTileDefinition(x, y, z), "id");
        return decoded.Layers.ToDictionary(l => l.Name, l => l.Features.Select(f =>
        {
            var names = f.Attributes.GetNames();
            var properties = names.Where(n => n != "id").ToDictionary(n => n, n => (object?)f.Attributes[n], StringComparer.Ordinal);
            // The reader gives an absent id (a cluster has none) as 0; record ids start at 1.
            long? id = names.Contains("id") ? Convert.ToInt64(f.Attributes["id"], System.Globalization.CultureInfo.InvariantCulture) : null;
            id = id == 0 ? null : id;
            return new TileFeature(id, f.Geometry, properties);
        }).ToList(), StringComparer.Ordinal);
    }
}
