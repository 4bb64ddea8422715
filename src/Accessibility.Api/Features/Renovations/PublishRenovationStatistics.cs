using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Use case: the public statistics, households per county by status and year the status was reached, with small counts
/// suppressed (primary and secondary) and counties with fewer than 5 households in all left out.
/// </summary>
public sealed class PublishRenovationStatistics(RegistryDbContext db)
{
    /// <summary>
    /// The statistics of the counties under <paramref name="district"/> (all when null); with <paramref name="asOf"/>, of the
    /// cases as they stood at the end of that day, suppressed in the same way.
    /// </summary>
    public async Task<RenovationOutcome<RenovationStatistics>> PublishAsync(HttpContext http, string? district, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        string prefix = "";
        if (district is not null)
        {
            if (!DistrictCodes.TryNormalize(district, out var code) || code.Length != 6)
            {
                return RenovationOutcome<RenovationStatistics>.Refused(
                    JsonBody.Invalid(StatusCodes.Status400BadRequest, "district", "Expected a province, prefecture or county code (GB/T 2260)."));
            }

            prefix = DistrictScope.Prefix(code);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        // With an API key, only the counties of its districts (suppression is per county, so leaving out whole counties changes nothing).
        var rows = await RenovationSql.CountsAsync(connection, prefix, ct, ReadScope.For(http, ResourceKinds.Coverage, Operations.Read), asOf);
        // A county with fewer than 5 households in all is left out, as one without any: a few cannot be told from none.
        var districts = rows.GroupBy(r => r.District, StringComparer.Ordinal)
            .Select(g => (District: g.Key, Table: SuppressedTable.Published(g.Select(r => (r.Status, r.Year, r.Count)))))
            .Where(d => d.Table is not null).Select(d =>
        {
            var table = d.Table!;
            return new DistrictStatistics(
                d.District,
                table.Keys.Select(k => Cell(k.Status, k.Year, table.Cell(k.Status, k.Year))).ToList(),
                table.Years.Select(y => Cell(null, y, table.YearTotal(y))).ToList(),
                table.Statuses.Select(s => Cell(s, null, table.StatusTotal(s))).ToList(),
                Cell(null, null, table.GrandTotal));
        }).ToList();
        return RenovationOutcome.Success(new RenovationStatistics(
            SuppressedTable.Threshold,
            "Households of people with severe disabilities by the status their renovation reached and the year it reached it. "
            + "A count below 5 is not shown (count null, suppressed true), and further cells or totals are hidden where the shown ones would reveal it "
            + "or reveal a sum below 5. A cell that is not listed is zero; a county with fewer than 5 households in all is not listed.",
            districts));

        static StatisticsCell Cell(string? status, int? year, int? count) => new(status, year, count, count is null);
    }
}
