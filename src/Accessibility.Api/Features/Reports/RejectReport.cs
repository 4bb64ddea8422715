using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Reports;

/// <summary>Rejects a new or accepted report, with a public reason.</summary>
public sealed class RejectReport(RegistryDbContext db, ReportStep step)
{
    /// <summary>Applies the rejection; answers the report's id.</summary>
    public Task<StepOutcome<long>> RunAsync(HttpContext http, long id, RejectReportRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        return step.RunAsync(http, id, checkScope: true, async (report, errors, now) =>
        {
            if (report.Status is not (ReportStatuses.New or ReportStatuses.Accepted))
            {
                return ReportStep.Conflict(report, "it is closed already");
            }

            Text.Require(errors, "reason", request.Reason, 4000);
            if (!errors.IsEmpty)
            {
                return errors.ToResult();
            }

            await ReportWorkflow.ChangeAsync(db, report, ReportStatuses.Rejected, Text.Clean(request.Reason), UserPrincipal.UserId(http.User), now, ct);
            return null;
        }, ct, request.ValidFrom);
    }
}
