using System.Security.Claims;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>A district to choose.</summary>
/// <param name="Code">GB/T 2260 code.</param>
/// <param name="Name">Official name.</param>
public sealed record DistrictChoice(string Code, string Name);

/// <summary>The counties whose households a signed-in user works on, and their townships, for the staff pages' choices.</summary>
public sealed class RenovationDistricts(RegistryDbContext db)
{
    /// <summary>The counties (county-level districts) inside the districts of <paramref name="user"/>'s account, by code.</summary>
    public async Task<IReadOnlyList<DistrictChoice>> CountiesAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var prefixes = user.FindAll(RegistryClaims.DistrictScope).Select(c => DistrictScope.Prefix(c.Value)).Distinct().ToList();
        if (prefixes.Count == 0)
        {
            return [];
        }

        var counties = await db.Districts.AsNoTracking().Where(d => d.Level == DistrictLevel.County)
            .Select(d => new DistrictChoice(d.Code, d.Name)).ToListAsync(ct);
        return [.. counties.Where(d => prefixes.Any(p => d.Code.StartsWith(p, StringComparison.Ordinal))).OrderBy(d => d.Code, StringComparer.Ordinal)];
    }

    /// <summary>The townships of county <paramref name="county"/>, by code.</summary>
    public async Task<IReadOnlyList<DistrictChoice>> TownshipsAsync(string? county, CancellationToken ct)
    {
        if (county is null || county.Length != 6)
        {
            return [];
        }

        return await db.Districts.AsNoTracking().Where(d => d.Level == DistrictLevel.Township && d.ParentCode == county)
            .OrderBy(d => d.Code).Select(d => new DistrictChoice(d.Code, d.Name)).ToListAsync(ct);
    }
}
