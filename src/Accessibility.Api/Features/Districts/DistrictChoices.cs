using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Districts;

/// <summary>A district offered in a form: code and name.</summary>
/// <param name="Code">GB/T 2260 code.</param>
/// <param name="Name">Name, e.g. 永济市.</param>
/// <param name="Level">Level.</param>
public sealed record DistrictChoice(string Code, string Name, DistrictLevel Level);

/// <summary>The districts a staff form offers: those of a scope, at county level or above (plans, keys and accounts are not per township).</summary>
public sealed class DistrictChoices(RegistryDbContext db)
{
    /// <summary>Most choices listed; a system administrator's scope (every county) is typed as a code instead.</summary>
    public const int MaxChoices = 300;

    /// <summary>
    /// The province, prefecture and county districts inside <paramref name="scope"/>, by code; null when there are more
    /// than <see cref="MaxChoices"/> (the form then asks for a code).
    /// </summary>
    public async Task<IReadOnlyList<DistrictChoice>?> WithinAsync(ReadScope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var patterns = scope.LikePatterns;
        var choices = await db.Districts.AsNoTracking()
            .Where(d => d.Level != DistrictLevel.Township)
            .Where(d => patterns == null || patterns.Any(p => EF.Functions.Like(d.Code, p)))
            .OrderBy(d => d.Code).Take(MaxChoices + 1)
            .Select(d => new DistrictChoice(d.Code, d.Name, d.Level)).ToListAsync(ct);
        return choices.Count > MaxChoices ? null : choices;
    }

    /// <summary>The names of <paramref name="codes"/>, by code (codes not found are left out).</summary>
    public async Task<Dictionary<string, string>> NamesAsync(IEnumerable<string> codes, CancellationToken ct)
    {
        var list = codes.Distinct(StringComparer.Ordinal).ToList();
        return await db.Districts.AsNoTracking().Where(d => list.Contains(d.Code)).ToDictionaryAsync(d => d.Code, d => d.Name, StringComparer.Ordinal, ct);
    }
}
