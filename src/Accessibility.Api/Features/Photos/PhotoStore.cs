using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Photos;

/// <summary>What other features ask about photos: whether the ids a client sends exist.</summary>
public sealed class PhotoStore(RegistryDbContext db)
{
    /// <summary>True when every id in <paramref name="ids"/> names a stored photo (an empty list: true).</summary>
    public async Task<bool> ExistsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) =>
        (await FindMissingAsync(ids, ct)).Count == 0;

    /// <summary>The ids in <paramref name="ids"/> that name no stored photo, in the order given, without repeats.</summary>
    public async Task<IReadOnlyList<Guid>> FindMissingAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        var distinct = ids.Distinct().ToArray();
        // id = ANY(@ids): one round trip, primary-key lookups.
        var found = await db.Photos.AsNoTracking().Where(p => distinct.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct);
        var present = found.ToHashSet();
        return distinct.Where(id => !present.Contains(id)).ToArray();
    }
}
