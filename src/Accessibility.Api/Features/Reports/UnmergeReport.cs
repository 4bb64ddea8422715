using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Reports;

/// <summary>Separates a duplicate from the report it was linked to.</summary>
public sealed class UnmergeReport(RegistryDbContext db, ReportStep step)
{
    /// <summary>Applies the separation; answers the report's id.</summary>
    public Task<StepOutcome<long>> RunAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        return step.RunAsync(http, id, checkScope: true, (report, _, now) =>
        {
            if (report.DuplicateOfId is not { } from)
            {
                return Task.FromResult<IResult?>(ReportStep.Conflict(report, "it is not linked to another report"));
            }

            report.DuplicateOfId = null;
            var note = "已与报告 " + WriteResults.Id(from) + " 分开 / Separated from report " + WriteResults.Id(from) + ".";
            report.StatusNotes = note;
            report.UpdatedAt = now;
            db.ReportEvents.Add(new ReportEvent { ReportId = report.Id, At = now, FromStatus = report.Status, ToStatus = report.Status, Note = note, ActorUserId = UserPrincipal.UserId(http.User) });
            return Task.FromResult<IResult?>(null);
        }, ct);
    }
}
