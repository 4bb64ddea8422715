using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>
/// Editing a facility's name, position, attributes and managing unit at the version read (kind and status are kept;
/// the status has its own page). Runs <see cref="UpdateFacility"/>, the use case of <c>PUT /api/v1/facilities/{id}</c>;
/// a change by someone else meanwhile shows the current record with a message. An optional effective date dates a late
/// correction (docs/history.md).
/// </summary>
[StaffAccess(ResourceKinds.Facility, "update")]
public sealed class EditModel(
    RegistryDbContext db, UpdateFacility updateFacility, FacilityForms forms, FacilityKindCatalog catalog, IOptions<RegistryOptions> options, IStringLocalizer text)
    : FacilityPageModel(text)
{
    /// <summary>The fixed fields.</summary>
    [BindProperty]
    public FacilityFormInput Input { get; set; } = new();

    /// <summary>The facility's id.</summary>
    public long Id { get; private set; }

    /// <summary>Its name as stored (the title).</summary>
    public string StoredName { get; private set; } = "";

    /// <summary>The kind's form.</summary>
    public FacilityForm? Form { get; private set; }

    /// <summary>The attribute fields with their values.</summary>
    public AttributeFieldsModel? Attributes { get; private set; }

    /// <summary>The position fields and the map.</summary>
    public PointPickerModel Position => PointPickerModel.For(Input.Latitude, Input.Longitude, options.Value);

    /// <summary>The form filled with the stored facility.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var (facility, refusal) = await LoadAsync(id, ct);
        if (facility is null)
        {
            return refusal!;
        }

        Fill(facility);
        return Page();
    }

    /// <summary>Saves the change, or shows the form again with its errors (or the current record when it changed meanwhile).</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var (facility, refusal) = await LoadAsync(id, ct);
        if (facility is null)
        {
            return refusal!;
        }

        Attributes = AttributeFieldsModel.Posted(Form!, Request.Form);
        var geometry = ReadPoint(Input.Latitude, Input.Longitude);
        var unreadable = new FieldErrors();
        var attributes = FacilityForms.ReadAttributes(Form!, name => Request.Form[name].ToString(), unreadable);
        AddWriteErrors(unreadable.ToDictionary(), Form);
        var request = new FacilityRequest(
            facility.Kind, Input.Name, geometry, "WGS84", attributes, facility.Status, Input.ManagingUnit, null, null, facility.ExternalId, Input.Version, Input.ValidFrom);
        if (!ModelState.IsValid)
        {
            var errors = new FieldErrors();
            FacilityInput.Validate(request, catalog, errors);
            AddWriteErrors(errors.ToDictionary().Where(e => e.Key != "geometry" && !ModelState.ContainsKey(e.Key)).ToDictionary(), Form);
            return Page();
        }

        var outcome = await updateFacility.RunAsync(HttpContext, id, request, Input.Version, ct);
        if (outcome.Succeeded)
        {
            return Redirect(FacilityPaths.Detail(id) + "?done=saved");
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
            AddWriteErrors(outcome.Errors, Form);
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

        StoredName = facility.Name;
        Form = forms.For(facility.Kind);
        return Form is null ? (null, NotFoundPage()) : (facility, null);
    }

    private void Fill(Facility facility)
    {
        var point = facility.Geometry.InteriorPoint;
        Input = new FacilityFormInput
        {
            Name = facility.Name,
            Latitude = point.Y.ToString("0.0000000", CultureInfo.InvariantCulture),
            Longitude = point.X.ToString("0.0000000", CultureInfo.InvariantCulture),
            ManagingUnit = facility.ManagingUnit,
            Version = facility.Version,
        };
        Attributes = AttributeFieldsModel.Stored(Form!, facility.Attributes);
    }
}
