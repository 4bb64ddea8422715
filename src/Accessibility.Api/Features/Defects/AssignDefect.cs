using System.Globalization;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Defects;

/// <summary>Assigns an open (or reassigns an assigned) defect to the managing unit that repairs it, optionally with a new due date.</summary>
public sealed class AssignDefect(DefectTransition transition, TimeProvider clock)
{
    /// <summary>Applies the assignment; answers the defect's id.</summary>
    public Task<StepOutcome<long>> RunAsync(HttpContext http, long id, AssignRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return transition.RunAsync(http, id, Operations.Update, [DefectStatuses.Open, DefectStatuses.Assigned], DefectStatuses.Assigned,
            (defect, errors) =>
            {
                Text.Optional(errors, "managingUnit", request.ManagingUnit, 200);
                Text.Optional(errors, "note", request.Note, 4000);
                var unit = Text.Clean(request.ManagingUnit) ?? defect.ManagingUnit;
                if (unit is null)
                {
                    errors.Add("managingUnit", "The facility has no managing unit on record: name the unit the defect is assigned to.");
                }

                if (request.DueAt is { } due && due < clock.GetUtcNow())
                {
                    errors.Add("dueAt", "The due date cannot lie in the past.");
                }

                defect.ManagingUnit = unit;
                if (request.DueAt is { } dueAt)
                {
                    defect.DueAt = dueAt.ToUniversalTime(); // Npgsql writes timestamptz from UTC only
                }

                var note = Text.Clean(request.Note) ?? "Assigned to " + unit;
                return (request.DueAt is { } d ? note + " (due " + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ")" : note, []);
            }, ct);
    }
}
