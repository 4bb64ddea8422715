using Accessibility.Api.Data;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Roads.Pages;

/// <summary>Editing a road segment at the version read. Runs <see cref="UpdateRoad"/>, the use case of <c>PUT /api/v1/roads/{id}</c>.</summary>
[StaffAccess(ResourceKinds.Road, "update")]
public sealed class EditRoadModel(RegistryDbContext db, UpdateRoad updateRoad, FacilityKindCatalog catalog, IOptions<RegistryOptions> options, IStringLocalizer text)
    : RoadPageModel(catalog, options, text)
{
    private readonly FacilityKindCatalog kinds = catalog;

    /// <summary>The segment's id.</summary>
    public long Id { get; private set; }

    /// <summary>The form filled with the stored segment.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var (road, refusal) = await LoadAsync(id, ct);
        if (road is null)
        {
            return refusal!;
        }

        Fill(road);
        return Page();
    }

    /// <summary>Saves the change, or shows the form again.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var (road, refusal) = await LoadAsync(id, ct);
        if (road is null)
        {
            return refusal!;
        }

        var request = ReadRequest();
        if (!ModelState.IsValid)
        {
            var errors = new FieldErrors();
            RoadInput.Validate(request, kinds, errors);
            AddRoadErrors(errors.ToDictionary());
            return Page();
        }

        var outcome = await updateRoad.RunAsync(HttpContext, id, request, Input.Version, ct);
        if (outcome.Succeeded)
        {
            return Redirect(FacilityPaths.Road(id) + "?done=saved");
        }

        if (outcome.IsStale)
        {
            db.ChangeTracker.Clear();
            var (current, _) = await LoadAsync(id, ct);
            ModelState.Clear();
            ModelState.AddModelError("", Text["facilities.form.stale"]);
            Fill(current!);
            return Page();
        }

        if (outcome.Errors.Count > 0)
        {
            AddRoadErrors(outcome.Errors);
            return Page();
        }

        return StatusPage(outcome.StatusCode);
    }

    private async Task<(RoadSegment? Road, IActionResult? Refusal)> LoadAsync(long id, CancellationToken ct)
    {
        Id = id;
        var road = await db.RoadSegments.FindAsync([id], ct);
        if (road is null || road.DeletedAt is not null)
        {
            return (null, NotFoundPage());
        }

        return await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.Road, road.DistrictCode))
            ? (road, null)
            : (null, ForbiddenPage());
    }
}
