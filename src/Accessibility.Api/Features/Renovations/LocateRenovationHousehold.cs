using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>Where an address puts a household: the township it names, at a point inside that township.</summary>
/// <param name="TownshipCode">The township named.</param>
/// <param name="TownshipName">Its name.</param>
/// <param name="Longitude">Longitude of a point inside it (CGCS2000).</param>
/// <param name="Latitude">Latitude (CGCS2000).</param>
public sealed record HouseholdPlace(string TownshipCode, string TownshipName, double Longitude, double Latitude);

/// <summary>
/// Use case: place a household from its typed address when no coordinates were typed or picked. There is no geocoder: the
/// address must name a township (镇, 乡, 街道) of the district, and the household is placed inside it, an approximation
/// the form says is one so that the planner corrects it on the map or by coordinates.
/// </summary>
public sealed class LocateRenovationHousehold(RegistryDbContext db)
{
    /// <summary>The township of <paramref name="districtCode"/> that <paramref name="address"/> names (the longest name first), or null.</summary>
    public async Task<HouseholdPlace?> LocateAsync(string? districtCode, string? address, CancellationToken ct)
    {
        if (!DistrictCodes.TryNormalize(districtCode, out var code) || code.Length != 6 || string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        var townships = await db.Districts.AsNoTracking()
            .Where(d => d.Level == DistrictLevel.Township && d.ParentCode == code && d.Boundary != null)
            .Select(d => new { d.Code, d.Name, Inside = d.Boundary!.InteriorPoint })
            .ToListAsync(ct);
        var named = townships.Where(t => t.Name.Length >= 2 && address.Contains(t.Name, StringComparison.Ordinal))
            .OrderByDescending(t => t.Name.Length).ThenBy(t => t.Code, StringComparer.Ordinal).FirstOrDefault();
        return named is null ? null : new HouseholdPlace(named.Code, named.Name, named.Inside.X, named.Inside.Y);
    }
}
