using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Reports;

/// <summary>The reporter reopens a closed or rejected report within <see cref="ReopenDays"/> days, with the key given at filing.</summary>
public sealed class ReopenReport(RegistryDbContext db, ReportStep step)
{
    /// <summary>Days after closing during which the reporter may reopen.</summary>
    public const int ReopenDays = 30;

    /// <summary>Applies the reopening; answers the report's id.</summary>
    public Task<StepOutcome<long>> RunAsync(HttpContext http, long id, ReopenRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        return step.RunAsync(http, id, checkScope: false, (report, errors, now) =>
        {
            if (request.ReporterKey is null || report.ReporterKeyHash is null
                || !string.Equals(ApiTokens.Hash(request.ReporterKey), report.ReporterKeyHash, StringComparison.Ordinal))
            {
                return Task.FromResult<IResult?>(TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong reporter key",
                    detail: "Only the reporter, with the key given when filing, may reopen a report."));
            }

            if (report.Status is not (ReportStatuses.Closed or ReportStatuses.Rejected) || report.ClosedAt is not { } closed)
            {
                return Task.FromResult<IResult?>(ReportStep.Conflict(report, "it is not closed"));
            }

            if (now - closed > TimeSpan.FromDays(ReopenDays))
            {
                return Task.FromResult<IResult?>(ReportStep.Conflict(report, "it was closed more than 30 days ago; file a new report"));
            }

            Text.Optional(errors, "reason", request.Reason, 4000);
            if (!errors.IsEmpty)
            {
                return Task.FromResult<IResult?>(errors.ToResult());
            }

            report.DefectId = null;
            ReportWorkflow.Apply(db, report, ReportStatuses.New, "报告人重新打开 / Reopened by the reporter: " + (Text.Clean(request.Reason) ?? "problem not solved"), null, now);
            return Task.FromResult<IResult?>(null);
        }, ct);
    }
}
