using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// Places a geometry in the registered districts: the county-level district whose boundary
/// covers it, and the township where townships have boundaries; checks a district the client
/// claims. Errors name <c>geometry</c> (outside every registered district) or
/// the claimed field (<c>districtCode</c>: unknown code, or the point is not inside it).
/// </summary>
public static class DistrictPlacement
{
    /// <summary>Where the record goes; null with <paramref name="errors"/> filled when it cannot be placed.</summary>
    public static async Task<(string County, string? Township)?> PlaceAsync(
        NpgsqlConnection connection, Geometry geometry, string? claimedCode, FieldErrors errors, CancellationToken ct,
        string geometryField = "geometry", string claimedField = "districtCode")
    {
        ArgumentNullException.ThrowIfNull(errors);
        string? claimed = null;
        if (claimedCode is not null && !DistrictCodes.TryNormalize(claimedCode, out claimed))
        {
            errors.Add(claimedField, "Expected a GB/T 2260 code (2, 4, 6, 9 or 12 digits).");
            return null;
        }

        var match = await FacilitySql.LocateAsync(connection, geometry, claimed, ct);
        if (claimedCode is not null && match.ClaimedLevel is null)
        {
            errors.Add(claimedField, "Unknown district code " + claimedCode + ".");
            return null;
        }

        if (match.CountyCode is null)
        {
            errors.Add(geometryField, "The location is outside every registered district.");
            return null;
        }

        var township = match.TownshipCode;
        if (claimed is not null)
        {
            // A claimed district with a boundary must cover the point; one without (townships,
            // development zones) must at least sit in the same branch of the code hierarchy.
            var inside = match.ClaimedHasBoundary
                ? match.ClaimedCovers
                : match.CountyCode.StartsWith(DistrictScope.Prefix(claimed), StringComparison.Ordinal)
                  || claimed.StartsWith(match.CountyCode, StringComparison.Ordinal);
            if (!inside)
            {
                errors.Add(claimedField, "The location is not inside district " + claimedCode + " (it is in " + match.CountyCode + ").");
                return null;
            }

            if (match.ClaimedLevel == 4 && township is null)
            {
                township = claimed;
            }
        }

        return (match.CountyCode, township);
    }
}
