using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>
/// Changing a facility's status, one question on one page, with an optional effective date for a change that happened
/// earlier. Runs <see cref="ChangeFacilityStatus"/>.
/// </summary>
[StaffAccess(ResourceKinds.Facility, "update")]
public sealed class StatusModel(RegistryDbContext db, ChangeFacilityStatus changeStatus, FacilityKindCatalog catalog, IStringLocalizer text) : FacilityPageModel(text)
{
    /// <summary>The status chosen.</summary>
    [BindProperty]
    public string? Status { get; set; }

    /// <summary>The version read.</summary>
    [BindProperty]
    public long? Version { get; set; }

    /// <summary>When the status changed, if earlier than now (yyyy-MM-dd, empty for now).</summary>
    [BindProperty]
    public string? ValidFrom { get; set; }

    /// <summary>The facility's id.</summary>
    public long Id { get; private set; }

    /// <summary>Its name.</summary>
    public string Name { get; private set; } = "";

    /// <inheritdoc />
    protected override string ValidFromKey => nameof(ValidFrom);

    /// <summary>The statuses to choose from.</summary>
    public IReadOnlyList<CodedValue> Statuses => catalog.Statuses;

    /// <summary>The question, with the current status chosen.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var (facility, refusal) = await LoadAsync(id, ct);
        if (facility is null)
        {
            return refusal!;
        }

        Status = facility.Status;
        Version = facility.Version;
        return Page();
    }

    /// <summary>Changes the status, or asks again with the error.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var (facility, refusal) = await LoadAsync(id, ct);
        if (facility is null)
        {
            return refusal!;
        }

        var outcome = await changeStatus.RunAsync(HttpContext, id, Status, Version, ct, ValidFrom);
        if (outcome.Succeeded)
        {
            return Redirect(FacilityPaths.Detail(id) + "?done=saved");
        }

        if (outcome.IsStale)
        {
            ModelState.AddModelError("", Text["facilities.form.stale"]);
            db.ChangeTracker.Clear();
            var (current, _) = await LoadAsync(id, ct);
            ModelState.Remove(nameof(Version));
            Version = current!.Version;
            return Page();
        }

        if (outcome.Errors.ContainsKey(Infrastructure.History.EffectiveTime.Field))
        {
            AddWriteErrors(outcome.Errors);
            return Page();
        }

        if (outcome.Errors.Count > 0)
        {
            ModelState.AddModelError(nameof(Status), Text["facilities.error.choose", Text["facilities.detail.status"]]);
            return Page();
        }

        return StatusPage(outcome.StatusCode);
    }

    private async Task<(Facility? Facility, IActionResult? Refusal)> LoadAsync(long id, CancellationToken ct)
    {
        Id = id;
        var facility = await db.Facilities.FindAsync([id], ct);
        if (facility is null || facility.DeletedAt is not null)
        {
            return (null, NotFoundPage());
        }

        if (!await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.Facility, facility.DistrictCode) with { GridCode = facility.GridCode }))
        {
            return (null, ForbiddenPage());
        }

        Name = facility.Name;
        return (facility, null);
    }
}
