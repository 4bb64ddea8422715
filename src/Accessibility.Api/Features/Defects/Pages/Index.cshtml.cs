using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Defects.Pages;

/// <summary>
/// The defect board of a district administrator: open, assigned, fixed awaiting verification and overdue defects of their
/// districts, filtered by managing unit and severity, with the last verification's outcome. The list is the API's
/// (<see cref="DefectBoard"/>).
/// </summary>
[StaffAccess(ResourceKinds.Defect, "update")]
public sealed class DefectBoardModel(DefectBoard board) : StaffPageModel
{
    /// <summary>The board's columns, in order: a status, or overdue.</summary>
    public static readonly IReadOnlyList<string> Views = [DefectStatuses.Open, DefectStatuses.Assigned, DefectStatuses.Fixed, "overdue", DefectStatuses.Verified, DefectStatuses.Rejected];

    /// <summary>The view shown (one of <see cref="Views"/>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    /// <summary>Managing unit filter (exact name).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Unit { get; set; }

    /// <summary>Severity filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Severity { get; set; }

    /// <summary>The defects shown.</summary>
    public DefectPage Defects { get; private set; } = new([], 0, 0, 0);

    /// <summary>How many defects each view holds (the caller's districts, the same unit and severity filters).</summary>
    public IReadOnlyDictionary<string, int> Counts { get; private set; } = new Dictionary<string, int>();

    /// <summary>Shows the board.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        View = Views.Contains(View ?? "", StringComparer.Ordinal) ? View : DefectStatuses.Open;
        Severity = ChecklistCatalog.Severities.Contains(Severity ?? "", StringComparer.Ordinal) ? Severity : null;
        Unit = string.IsNullOrWhiteSpace(Unit) ? null : Unit.Trim();
        var scope = ReadScope.For(HttpContext, ResourceKinds.Defect, Operations.Update);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var view in Views)
        {
            var page = await board.ListAsync(HttpContext, Filter(view, scope), view == View ? 200 : 1, 0, ct);
            counts[view] = page.Total;
            if (view == View)
            {
                Defects = page;
            }
        }

        Counts = counts;
        return Page();
    }

    private DefectFilter Filter(string view, ReadScope scope) => view == "overdue"
        ? new DefectFilter(null, null, Severity, Unit, true, null, scope)
        : new DefectFilter(null, view, Severity, Unit, null, null, scope);
}
