using System.Globalization;
using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Reports;

/// <summary>
/// Status changes of reports: each adds a public history entry and, when the reporter left contact details, a
/// notification to the outbox, in the caller's transaction. A change of a primary report carries over to its
/// duplicates that are in the same status, so everyone who reported the problem hears of it.
/// </summary>
public static class ReportWorkflow
{
    /// <summary>Changes <paramref name="report"/> (tracked by <paramref name="db"/>) and its duplicates; saved with the next SaveChanges.</summary>
    public static async Task ChangeAsync(RegistryDbContext db, Report report, string to, string? note, long? actorUserId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(report);
        var from = report.Status;
        Apply(db, report, to, note, actorUserId, now);
        var duplicates = await db.Reports.Where(r => r.DuplicateOfId == report.Id && r.Status == from).ToListAsync(ct);
        foreach (var duplicate in duplicates)
        {
            duplicate.DefectId = report.DefectId;
            duplicate.FacilityId ??= report.FacilityId;
            Apply(db, duplicate, to, (note is null ? "" : note + " ") + "(as report " + report.Id.ToString(CultureInfo.InvariantCulture) + ")", actorUserId, now);
        }
    }

    /// <summary>One report's change, history entry and notification.</summary>
    public static void Apply(RegistryDbContext db, Report report, string to, string? note, long? actorUserId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(report);
        var from = report.Status;
        report.Status = to;
        report.StatusNotes = note;
        report.UpdatedAt = now;
        report.ClosedAt = to is ReportStatuses.Closed or ReportStatuses.Rejected ? now : null;
        db.ReportEvents.Add(new ReportEvent { ReportId = report.Id, At = now, FromStatus = from, ToStatus = to, Note = note, ActorUserId = actorUserId });
        if (report.Email is not null || report.Phone is not null)
        {
            db.ReportNotifications.Add(new ReportNotification
            {
                ReportId = report.Id,
                Status = to,
                Message = "您的无障碍问题报告 " + report.Id.ToString(CultureInfo.InvariantCulture) + " 状态：" + ZhStatus(to)
                          + " / Your accessibility report " + report.Id.ToString(CultureInfo.InvariantCulture) + " is now " + to + "."
                          + (note is null ? "" : " " + note),
                CreatedAt = now,
            });
        }
    }

    /// <summary>
    /// Closes the accepted reports linked to <paramref name="defectIds"/>, just verified fixed by a re-inspection,
    /// and saves. Called in the inspection's transaction.
    /// </summary>
    public static async Task CloseForVerifiedDefectsAsync(RegistryDbContext db, IReadOnlyCollection<long> defectIds, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var reports = await db.Reports
            .Where(r => r.DefectId != null && defectIds.Contains(r.DefectId.Value) && r.Status == ReportStatuses.Accepted)
            .ToListAsync(ct);
        foreach (var report in reports)
        {
            Apply(db, report, ReportStatuses.Closed, "已整改并经复查确认 / Fixed and verified by a re-inspection.", null, now);
        }

        await db.SaveChangesAsync(ct);
    }

    private static string ZhStatus(string status) => status switch
    {
        ReportStatuses.New => "待处理",
        ReportStatuses.Accepted => "已受理",
        ReportStatuses.Closed => "已办结",
        ReportStatuses.Rejected => "不予受理",
        _ => status,
    };
}
