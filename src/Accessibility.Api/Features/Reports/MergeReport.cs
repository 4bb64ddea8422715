using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Reports;

/// <summary>Marks a report a duplicate of another; its own duplicates follow, so duplicates never chain.</summary>
public sealed class MergeReport(RegistryDbContext db, ReportStep step)
{
    /// <summary>Applies the merge; answers the report's id.</summary>
    public Task<StepOutcome<long>> RunAsync(HttpContext http, long id, MergeReportRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        return step.RunAsync(http, id, checkScope: true, async (report, errors, now) =>
        {
            var into = request.Into is { } i ? await db.Reports.SingleOrDefaultAsync(r => r.Id == i, ct) : null;
            if (into?.DuplicateOfId is { } root)
            {
                into = await db.Reports.SingleAsync(r => r.Id == root, ct);
            }

            if (into is null || into.Id == report.Id)
            {
                return errors.Add("into", "Name another existing report.").ToResult();
            }

            if (await http.AuthorizeAsync(Operations.Triage, RegistryResource.In(ResourceKinds.Report, into.DistrictCode)) is { } denied)
            {
                return denied;
            }

            await db.Reports.Where(r => r.DuplicateOfId == report.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DuplicateOfId, into.Id), ct);
            report.DuplicateOfId = into.Id;
            var note = "已合并到报告 " + WriteResults.Id(into.Id) + " / Merged into report " + WriteResults.Id(into.Id) + ".";
            report.StatusNotes = note;
            report.UpdatedAt = now;
            db.ReportEvents.Add(new ReportEvent { ReportId = report.Id, At = now, FromStatus = report.Status, ToStatus = report.Status, Note = note, ActorUserId = UserPrincipal.UserId(http.User) });
            return null;
        }, ct);
    }
}
