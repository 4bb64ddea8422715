using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Defects;

/// <summary>Rejects an unclosed defect, with a reason (closed).</summary>
public sealed class RejectDefect(DefectTransition transition)
{
    /// <summary>Applies the rejection; answers the defect's id.</summary>
    public Task<StepOutcome<long>> RunAsync(HttpContext http, long id, RejectRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return transition.RunAsync(http, id, Operations.Update, DefectStatuses.Active, DefectStatuses.Rejected,
            (_, errors) =>
            {
                Text.Require(errors, "reason", request.Reason, 4000);
                return (Text.Clean(request.Reason), []);
            }, ct, request.ValidFrom);
    }
}
