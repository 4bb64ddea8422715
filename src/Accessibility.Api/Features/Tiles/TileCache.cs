using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// Rendered tiles kept in memory (<see cref="MemoryCache"/> with a size limit of <see cref="SizeLimitBytes"/>; when full,
/// the least recently used entries go first), each with the change stamp and time bucket it was rendered at: an entry is
/// served only while the layer's stamp over the tile's cells and the bucket are still the same. Counts what it does, so
/// that tests see whether a tile came from PostgreSQL.
/// </summary>
public sealed class TileCache : IDisposable
{
    /// <summary>Bytes of tiles kept at most (an entry counts its bytes plus <see cref="EntryOverhead"/>).</summary>
    public const long SizeLimitBytes = 64L * 1024 * 1024;

    /// <summary>Bytes counted per entry beyond the tile (key, ETag, bookkeeping).</summary>
    public const int EntryOverhead = 256;

    /// <summary>
    /// Seconds of a time bucket: the inspection states (due soon, overdue) and defects' overdue flag follow the clock, so
    /// their layers' ETags and entries change every bucket. Such a tile is late by at most this plus the tile's max-age.
    /// </summary>
    public const int TimeBucketSeconds = 300;

    private static readonly string Build = typeof(TileCache).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = SizeLimitBytes, CompactionPercentage = 0.25 });
    private long renders;
    private long hits;
    private long notModified;
    private long shared;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Key, long Stamp, long Bucket), Lazy<Task<byte[]>>> inFlight = new();

    /// <summary>Tiles rendered by PostgreSQL since the service started.</summary>
    public long Renders => Interlocked.Read(ref renders);

    /// <summary>Tiles served from memory without a query.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>Requests that waited for a render another request of the same tile had started (<see cref="RenderOnceAsync"/>).</summary>
    public long SharedRenders => Interlocked.Read(ref shared);

    /// <summary>304s answered from the stamps in memory without a query.</summary>
    public long NotModifiedFromMemory => Interlocked.Read(ref notModified);

    /// <summary>The time bucket of <paramref name="layer"/> now: 0 for layers that do not follow the clock.</summary>
    public static long BucketOf(string layer, DateTimeOffset now) =>
        layer is "facilities" or "defects" ? now.ToUnixTimeSeconds() / TimeBucketSeconds : 0;

    /// <summary>
    /// The ETag of a tile: a hash of its address, filters, stamp, time bucket and this build (a new build may draw
    /// differently), so every instance of one build gives the same ETag for the same data.
    /// </summary>
    public static string ETagOf(string key, long stamp, long bucket)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{key}|{stamp}|{bucket}|{Build}");
        return "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12)) + "\"";
    }

    /// <summary>The tile at <paramref name="key"/> when it was rendered at <paramref name="stamp"/> and <paramref name="bucket"/>.</summary>
    public bool TryGet(string key, long stamp, long bucket, out CachedTile tile)
    {
        if (cache.TryGetValue(key, out CachedTile? found) && found is not null && found.Stamp == stamp && found.Bucket == bucket)
        {
            Interlocked.Increment(ref hits);
            tile = found;
            return true;
        }

        tile = null!;
        return false;
    }

    /// <summary>
    /// The tile at <paramref name="key"/> for <paramref name="stamp"/> and <paramref name="bucket"/>, rendered once however many
    /// requests ask for it at the same time (single flight): the first caller renders it (to the end even when its client
    /// goes away, so that the others get it) and keeps it; the others wait for that render (each as long as its own
    /// request lasts). A failed render fails every caller waiting for it and leaves nothing behind, so the next one renders anew.
    /// </summary>
    public async Task<byte[]> RenderOnceAsync(string key, long stamp, long bucket, string etag, Func<Task<byte[]>> render, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(render);
        var flightKey = (key, stamp, bucket);
        var mine = new Lazy<Task<byte[]>>(() => RenderAndKeepAsync(key, stamp, bucket, etag, render), LazyThreadSafetyMode.ExecutionAndPublication);
        var flight = inFlight.GetOrAdd(flightKey, mine);
        if (!ReferenceEquals(flight, mine))
        {
            Interlocked.Increment(ref shared);
            return await flight.Value.WaitAsync(ct);
        }

        try
        {
            return await flight.Value;
        }
        finally
        {
            inFlight.TryRemove(new KeyValuePair<(string, long, long), Lazy<Task<byte[]>>>(flightKey, flight));
        }
    }

    private async Task<byte[]> RenderAndKeepAsync(string key, long stamp, long bucket, string etag, Func<Task<byte[]>> render)
    {
        var tile = await render();
        Set(key, new CachedTile(stamp, bucket, tile, etag));
        return tile;
    }

    /// <summary>Keeps a tile just rendered.</summary>
    public void Set(string key, CachedTile tile)
    {
        Interlocked.Increment(ref renders);
        cache.Set(key, tile, new MemoryCacheEntryOptions { Size = tile.Bytes.Length + EntryOverhead });
    }

    /// <summary>Counts a 304 answered from memory.</summary>
    public void CountNotModified() => Interlocked.Increment(ref notModified);

    /// <inheritdoc />
    public void Dispose() => cache.Dispose();
}

/// <summary>A rendered tile with the stamp and time bucket it shows, and its ETag.</summary>
public sealed record CachedTile(long Stamp, long Bucket, byte[] Bytes, string ETag);
