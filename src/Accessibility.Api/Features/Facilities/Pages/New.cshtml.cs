using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>
/// Registering a facility, one thing per page: first its kind (a GET form, <c>?kind=</c>), then the kind's attribute
/// form generated from the catalogue, with the position typed or picked on the map. Runs <see cref="CreateFacility"/>,
/// the use case of <c>POST /api/v1/facilities</c>.
/// </summary>
[StaffAccess(ResourceKinds.Facility, "create")]
public sealed class NewModel(CreateFacility createFacility, FacilityForms forms, FacilityKindCatalog catalog, IOptions<RegistryOptions> options, IStringLocalizer text)
    : FacilityPageModel(text)
{
    /// <summary>The kind chosen on the first page.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    /// <summary>The fixed fields.</summary>
    [BindProperty]
    public FacilityFormInput Input { get; set; } = new();

    /// <summary>The kind's form, once a known kind is chosen.</summary>
    public FacilityForm? Form { get; private set; }

    /// <summary>The attribute fields with their values.</summary>
    public AttributeFieldsModel? Attributes { get; private set; }

    /// <summary>The kinds to choose from.</summary>
    public IReadOnlyList<FacilityKind> Kinds => forms.Kinds;

    /// <summary>The position fields and the map.</summary>
    public PointPickerModel Position => PointPickerModel.For(Input.Latitude, Input.Longitude, options.Value);

    /// <summary>The kind question, or the kind's form when <c>?kind=</c> names one.</summary>
    public IActionResult OnGet()
    {
        if (string.IsNullOrEmpty(Kind))
        {
            // The kind question answered without a choice (its form sends step=kind): ask again, saying so.
            Kind = null;
            if (Request.Query.ContainsKey("step"))
            {
                ModelState.AddModelError("kind", Text["facilities.kind.required"]);
            }

            return Page();
        }

        Form = forms.For(Kind);
        if (Form is null)
        {
            // The kind question again, with its error (a kind that is not in the catalogue, or none chosen).
            Kind = null;
            ModelState.AddModelError("kind", Text["facilities.kind.required"]);
            return Page();
        }

        Attributes = AttributeFieldsModel.Stored(Form, null);
        return Page();
    }

    /// <summary>Registers the facility, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Form = forms.For(Kind);
        if (Form is null)
        {
            Kind = null;
            ModelState.AddModelError("kind", Text["facilities.kind.required"]);
            return Page();
        }

        Attributes = AttributeFieldsModel.Posted(Form, Request.Form);
        var geometry = ReadPoint(Input.Latitude, Input.Longitude);
        var unreadable = new FieldErrors();
        var attributes = FacilityForms.ReadAttributes(Form, name => Request.Form[name].ToString(), unreadable);
        AddWriteErrors(unreadable.ToDictionary(), Form);
        var request = new FacilityRequest(Form.Kind.Code, Input.Name, geometry, "WGS84", attributes, null, Input.ManagingUnit, null, null, null, null);
        if (!ModelState.IsValid)
        {
            // Show every error at once: what the typed fields could not say, then the use case's own checks on the rest.
            var errors = new FieldErrors();
            FacilityInput.Validate(request, catalog, errors);
            AddWriteErrors(Remaining(errors.ToDictionary()), Form);
            return Page();
        }

        var outcome = await createFacility.RunAsync(HttpContext, request, ct);
        if (outcome.Succeeded)
        {
            return Redirect(FacilityPaths.Detail(outcome.Id!.Value) + "?done=created");
        }

        if (outcome.Errors.Count > 0)
        {
            AddWriteErrors(outcome.Errors, Form);
            return Page();
        }

        return outcome.StatusCode == StatusCodes.Status403Forbidden ? ForbiddenPage() : StatusPage(outcome.StatusCode);
    }

    /// <summary>The use case's errors on fields that have none yet (an unreadable position is not also "outside").</summary>
    private Dictionary<string, string[]> Remaining(Dictionary<string, string[]> errors) =>
        errors.Where(e => e.Key switch
            {
                "geometry" => false,
                _ => !ModelState.ContainsKey(e.Key) || ModelState[e.Key]!.Errors.Count == 0,
            })
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
}
