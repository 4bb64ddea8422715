using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Reports.Pages;

/// <summary>The district administrator's triage queue: reports of their districts, new ones first by default.</summary>
[StaffAccess(ResourceKinds.Report, "triage")]
public sealed class ReportQueueModel(ReportTriageQueue queue) : StaffPageModel
{
    /// <summary>Status shown: one of <see cref="ReportTriageQueue.Statuses"/>, or <c>all</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>The reports, newest first.</summary>
    public IReadOnlyList<QueuedReport> Reports { get; private set; } = [];

    /// <summary>Lists the queue.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Status = Status is "all" || ReportTriageQueue.Statuses.Contains(Status ?? "", StringComparer.Ordinal) ? Status : ReportStatuses.New;
        Reports = await queue.ListAsync(HttpContext, null, Status == "all" ? null : [Status!], 200, ct);
        return Page();
    }
}
