using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Reports;

/// <summary>
/// Accepts a new report: onto a facility and one item of its kind's checklist, as a defect (or joining the facility's
/// unclosed defect of that item), or, without a facility, as a task to register the missing facility.
/// </summary>
public sealed class AcceptReport(RegistryDbContext db, ReportStep step, AuditLog audit, ChecklistCatalog checklists, InspectionRecorder recorder)
{
    /// <summary>Applies the acceptance; answers the report's id.</summary>
    public Task<StepOutcome<long>> RunAsync(HttpContext http, long id, AcceptReportRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        return step.RunAsync(http, id, checkScope: true, async (report, errors, now) =>
        {
            if (report.Status != ReportStatuses.New)
            {
                return ReportStep.Conflict(report, "only a new report can be accepted");
            }

            Text.Optional(errors, "note", request.Note, 4000);
            var facilityId = request.FacilityId ?? report.FacilityId;
            if (facilityId is null)
            {
                if (!errors.IsEmpty)
                {
                    return errors.ToResult();
                }

                await ReportWorkflow.ChangeAsync(db, report, ReportStatuses.Accepted,
                    Text.Clean(request.Note) ?? "已受理：登记缺失设施 / Accepted: task to register the missing facility.", UserPrincipal.UserId(http.User), now, ct);
                return null;
            }

            var facility = await db.Facilities.AsNoTracking().SingleOrDefaultAsync(f => f.Id == facilityId && f.DeletedAt == null, ct);
            if (facility is null)
            {
                return errors.Add("facilityId", "No facility " + WriteResults.Id(facilityId.Value) + ".").ToResult();
            }

            if (await http.AuthorizeAsync(Operations.Triage, RegistryResource.In(ResourceKinds.Report, facility.DistrictCode)) is { } denied)
            {
                return denied;
            }

            var hasChecklist = checklists.TryGet(facility.Kind, out var kindChecklist);
            if (hasChecklist && Text.Clean(request.Item) is null)
            {
                // A re-inspection verifies a defect by its checklist item: without one, it could never close.
                return errors.Add("item", "Name the checklist item of the problem: " + string.Join(", ", kindChecklist!.Items.Select(i => i.Code)) + ".").ToResult();
            }

            var item = Text.Clean(request.Item) ?? "report_" + report.ServiceCode;
            var severity = Text.Clean(request.Severity);
            if (Text.Clean(request.Item) is not null)
            {
                var checklistItem = hasChecklist ? kindChecklist!.Find(item) : null;
                if (checklistItem is null)
                {
                    errors.Add("item", "Not an item of the " + facility.Kind + " checklist.");
                }

                severity ??= checklistItem?.Severity;
            }

            severity ??= "major";
            if (!ChecklistCatalog.Severities.Contains(severity, StringComparer.Ordinal))
            {
                errors.Add("severity", "Expected one of " + string.Join(", ", ChecklistCatalog.Severities) + ".");
            }

            if (!errors.IsEmpty)
            {
                return errors.ToResult();
            }

            var actor = new Actor(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown");
            // An unclosed defect of the same item already tracks the problem: the report joins it.
            var defect = await db.Defects.SingleOrDefaultAsync(d => d.FacilityId == facility.Id && d.Item == item && DefectStatuses.Active.Contains(d.Status), ct);
            if (defect is null)
            {
                defect = recorder.NewDefect(facility, item, severity, now, now, actor,
                    "来自群众报告 / From public report " + WriteResults.Id(report.Id) + (report.Description is null ? "" : ": " + report.Description), null);
                db.Defects.Add(defect);
                await db.SaveChangesAsync(ct);
                audit.Record(http, AuditActions.Create, InspectionRecorder.AuditDefect, WriteResults.Id(defect.Id), null,
                    new { status = defect.Status, facilityId = defect.FacilityId, item, severity, dueAt = defect.DueAt, reportId = report.Id });
            }

            report.FacilityId = facility.Id;
            report.DefectId = defect.Id;
            await ReportWorkflow.ChangeAsync(db, report, ReportStatuses.Accepted,
                Text.Clean(request.Note) ?? "已受理，已转缺陷 " + WriteResults.Id(defect.Id) + " 整改 / Accepted: defect " + WriteResults.Id(defect.Id) + " for repair.",
                actor.UserId, now, ct);
            return null;
        }, ct);
    }
}
