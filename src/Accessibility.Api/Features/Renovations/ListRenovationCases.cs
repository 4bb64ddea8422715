using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>Which cases of a district to list.</summary>
/// <param name="District">County, prefecture or province code (GB/T 2260); required.</param>
/// <param name="Status">Only this status.</param>
/// <param name="Year">Only cases identified in this year.</param>
/// <param name="Township">Only this township (9-digit code).</param>
/// <param name="Search">Part of the person's name or address, or the last 4 characters of the ID number (all a list shows of it).</param>
/// <param name="ByPriority">Only waiting households (identified, assessed), highest priority score first, as on the priority list.</param>
/// <param name="Limit">Page size (1–1000, default 100).</param>
/// <param name="Offset">Cases to skip.</param>
public sealed record RenovationCaseQuery(
    string? District, string? Status = null, int? Year = null, string? Township = null, string? Search = null, bool ByPriority = false, int? Limit = null, int? Offset = null);

/// <summary>
/// Use case: list and search the cases of a district (planners and district administrators of it), ID and phone masked to
/// their last 4 characters. A list shows no more than that, so it is not audited; the detail is.
/// </summary>
public sealed class ListRenovationCases(RegistryDbContext db, PersonalDataProtector protector, TimeProvider clock)
{
    /// <summary>The page of cases matching <paramref name="query"/> and how many match in all.</summary>
    public async Task<RenovationOutcome<RenovationCaseList>> ListAsync(HttpContext http, RenovationCaseQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(query);
        var (scope, prefix) = await RenovationCaseRules.DistrictScopeAsync(http, query.District, Operations.ReadPersonal, ResourceKinds.RenovationCase);
        if (scope is not null)
        {
            return RenovationOutcome<RenovationCaseList>.Refused(scope);
        }

        if (RenovationCaseRules.StatusFilterProblem(query.Status) is { } badStatus)
        {
            return RenovationOutcome<RenovationCaseList>.Refused(badStatus);
        }

        var status = query.Status;
        var cases = db.RenovationCases.AsNoTracking().Where(c => c.DistrictCode.StartsWith(prefix) && (status == null || c.Status == status));
        if (query.Year is { } year)
        {
            var from = new DateOnly(Math.Clamp(year, 1, 9998), 1, 1);
            var to = from.AddYears(1);
            cases = cases.Where(c => c.IdentifiedOn >= from && c.IdentifiedOn < to);
        }

        if (!string.IsNullOrWhiteSpace(query.Township))
        {
            var township = query.Township.Trim();
            cases = cases.Where(c => c.TownshipCode == township);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // The ID number is stored encrypted: its last 4 characters (what a list shows) are matched after decryption, on the district's cases only.
            var text = query.Search.Trim();
            var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            var byText = await cases.Where(c => EF.Functions.ILike(c.PersonName, pattern) || EF.Functions.ILike(c.Address, pattern)).Select(c => c.Id).ToListAsync(ct);
            var byId = text.Length == 4 && text.All(ch => char.IsAsciiDigit(ch) || ch is 'x' or 'X')
                ? (await cases.Select(c => new { c.Id, c.IdNumberCipher }).ToListAsync(ct))
                    .Where(c => protector.Decrypt(c.IdNumberCipher, RenovationCaseRules.IdField).EndsWith(text.ToUpperInvariant(), StringComparison.Ordinal))
                    .Select(c => c.Id).ToList()
                : [];
            var ids = byText.Concat(byId).Distinct().ToList();
            cases = cases.Where(c => ids.Contains(c.Id));
        }

        var take = Math.Clamp(query.Limit ?? 100, 1, 1000);
        var skip = Math.Max(0, query.Offset ?? 0);
        if (query.ByPriority)
        {
            // Scored as the priority list scores them: the district's weights, today.
            var weights = PriorityScore.Weights(await RenovationCaseRules.StoredWeightsAsync(db, DistrictCodes.Normalize(query.District!), ct));
            var today = RenovationCaseRules.Today(clock);
            var waiting = await cases.Where(c => c.Status == RenovationWorkflow.Identified || c.Status == RenovationWorkflow.Assessed).ToListAsync(ct);
            var ranked = waiting.Select(c => (Case: c, Score: PriorityScore.Score(c, weights, today).Sum(t => t.Points)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Case.Id).Skip(skip).Take(take)
                .Select(x => RenovationCaseViews.Summary(x.Case, protector)).ToList();
            return RenovationOutcome.Success(new RenovationCaseList(ranked, waiting.Count));
        }

        var total = await cases.CountAsync(ct);
        var page = await cases.OrderBy(c => c.Id).Skip(skip).Take(take).ToListAsync(ct);
        return RenovationOutcome.Success(new RenovationCaseList(page.Select(c => RenovationCaseViews.Summary(c, protector)).ToList(), total));
    }
}
