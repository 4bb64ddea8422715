using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Defects;

/// <summary>
/// Reports an open or assigned defect fixed, with evidence: a note, and photos stored first (at least one from a managing
/// unit's account); a re-inspection verifies it. Staff may do it in their districts, a managing unit on the defects
/// assigned to it (rule table, <see cref="Operations.Repair"/>).
/// </summary>
public sealed class FixDefect(RegistryDbContext db, DefectTransition transition)
{
    /// <summary>Applies the fix report; answers the defect's id.</summary>
    public async Task<StepOutcome<long>> RunAsync(HttpContext http, long id, FixRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var photos = request.PhotoIds ?? [];
        var connection = await WriteResults.OpenAsync(db, ct);
        var missing = await InspectionSql.MissingPhotosAsync(connection, photos, ct);
        return await transition.RunAsync(http, id, Operations.Repair, [DefectStatuses.Open, DefectStatuses.Assigned], DefectStatuses.Fixed,
            (_, errors) =>
            {
                Text.Require(errors, "note", request.Note, 4000);
                if (photos.Count == 0 && AccessRules.UnitBoundRoles.Any(http.User.IsInRole))
                {
                    // The unit that repairs shows its work; staff reporting a fix they saw may leave the photo out.
                    errors.Add("photoIds", "Attach a photo of the repair as evidence.");
                }

                foreach (var (photo, i) in photos.Select((p, i) => (p, i)).Where(p => p.p == Guid.Empty || missing.Contains(p.p)))
                {
                    errors.Add("photoIds[" + i.ToString(CultureInfo.InvariantCulture) + "]", "No stored photo " + photo.ToString() + "; upload it first (POST /api/v1/photos).");
                }

                return (Text.Clean(request.Note), [.. photos]);
            }, ct, request.ValidFrom);
    }
}
