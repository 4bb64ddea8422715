using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Defects;

/// <summary>Assigns an open (or reassigns an assigned) defect to the managing unit that repairs it.</summary>
public sealed class AssignDefect(DefectTransition transition)
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

                defect.ManagingUnit = unit;
                return (Text.Clean(request.Note) ?? "Assigned to " + unit, []);
            }, ct);
    }
}
