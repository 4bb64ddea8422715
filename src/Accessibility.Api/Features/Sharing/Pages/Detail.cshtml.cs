using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Sharing.Pages;

/// <summary>
/// One key: its scope, its use in the last 30 days (a chart drawn on the server, with the figures as a table), and
/// revoking it: the same use cases as <c>GET /api/v1/api-keys/{id}</c>, <c>…/usage</c> and <c>DELETE …</c>.
/// </summary>
[StaffAccess(ResourceKinds.ApiKey, "administer")]
public sealed class DetailModel(ListApiKeys list, ReadApiKeyUsage usage, RevokeApiKey revoke) : StaffPageModel
{
    /// <summary>The key's id.</summary>
    [FromRoute]
    public long Id { get; set; }

    /// <summary>The key.</summary>
    public ApiKeySummary? Key { get; private set; }

    /// <summary>Its use.</summary>
    public ApiKeyUsageReport? Usage { get; private set; }

    /// <summary>Requests per day of the period, every day listed (zero included), for the chart.</summary>
    public IReadOnlyList<(DateOnly Day, long Requests)> Days { get; private set; } = [];

    /// <summary>Catalogue key of the key's status.</summary>
    public string StatusKey => ApiKeyPages.StatusKey(Key!);

    /// <summary>Shows the key, if the caller manages it.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Key = await list.OneAsync(HttpContext, Id, ct);
        var report = await usage.RunAsync(HttpContext, Id, null, null, ct);
        if (Key is null || report.Value is null)
        {
            return NotFoundPage();
        }

        Usage = report.Value;
        var perDay = Usage.Days.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Requests));
        var days = new List<(DateOnly, long)>();
        for (var day = Usage.From; day <= Usage.To; day = day.AddDays(1))
        {
            days.Add((day, perDay.GetValueOrDefault(day)));
        }

        Days = days;
        return Page();
    }

    /// <summary>Revokes the key.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct) => (await revoke.RunAsync(HttpContext, Id, ct)).Kind switch
    {
        OutcomeKind.Done => Redirect("/staff/api-keys?done=revoked"),
        _ => NotFoundPage(),
    };
}
