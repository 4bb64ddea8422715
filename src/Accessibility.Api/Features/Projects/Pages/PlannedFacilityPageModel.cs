using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>A facility kind offered for a planned facility.</summary>
/// <param name="Code">Kind code.</param>
/// <param name="Name">Its name in the page's language.</param>
public sealed record KindChoice(string Code, string Name);

/// <summary>
/// What adding and editing a planned facility share: the project (the caller must be able to change it), the kinds
/// its type allows, the chosen kind's design attributes (the facility form of data/facility-kinds.json, with the
/// standards' thresholds as hints) and its position: a point, or a line typed one vertex per line of text (tactile
/// paving, a road segment), which the page's script lets the user draw on a map.
/// </summary>
public abstract class PlannedFacilityPageModel(
    ProjectPagesAdapter projects, FacilityKindCatalog kinds, FacilityForms forms, IOptions<RegistryOptions> options, IStringLocalizer text)
    : ProjectPageModel(text)
{
    /// <summary>The form.</summary>
    [BindProperty]
    public PlannedFacilityInput Input { get; set; } = new();

    /// <summary>The project.</summary>
    public ProjectDetails? Project { get; private set; }

    /// <summary>The kinds the project's type allows.</summary>
    public IReadOnlyList<KindChoice> Kinds { get; private set; } = [];

    /// <summary>The project type's name.</summary>
    public string TypeName { get; private set; } = "";

    /// <summary>The position fields and the map.</summary>
    public PointPickerModel Position => PointPickerModel.For(Input.Latitude, Input.Longitude, options.Value);

    /// <summary>The chosen kind's attribute form, once a kind the type allows is chosen.</summary>
    public FacilityForm? Form { get; private set; }

    /// <summary>The attribute fields with their values.</summary>
    public AttributeFieldsModel? AttributeFields { get; private set; }

    /// <summary>Whether the chosen kind is drawn as a line.</summary>
    public bool IsLine => Form?.Kind.Geometry == "LineString";

    /// <summary>The chosen kind's name.</summary>
    public string KindName => Form is null ? "" : Label(Form.Kind.Names);

    /// <summary>The basemap, for the line drawing map.</summary>
    public RegistryOptions Basemap => options.Value;

    /// <summary>Chooses <paramref name="kind"/> when the project's type allows it, with the attribute values to show.</summary>
    protected bool Choose(string? kind, JsonObject? stored)
    {
        Form = kind is not null && Kinds.Any(k => k.Code == kind) ? forms.ForPlanned(kind) : null;
        if (Form is null)
        {
            return false;
        }

        Input.Kind = Form.Kind.Code;
        AttributeFields = Request.HasFormContentType
            ? AttributeFieldsModel.Posted(Form, Request.Form)
            : AttributeFieldsModel.Stored(Form, stored);
        return true;
    }

    /// <summary>The posted attributes of the chosen kind; what cannot be read is an error on its field.</summary>
    protected JsonObject? ReadAttributes()
    {
        if (Form is null)
        {
            return null;
        }

        var unreadable = new FieldErrors();
        var attributes = FacilityForms.ReadAttributes(Form, name => Request.Form[name].ToString(), unreadable);
        foreach (var (field, messages) in unreadable.ToDictionary())
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(field, message);
            }
        }

        return attributes;
    }

    /// <summary>The form key the geometry's errors go to: the line box or the latitude.</summary>
    protected string GeometryKey => IsLine ? "Input.Line" : "Input.Latitude";

    /// <summary>The vertices of a stored line as the line box shows them.</summary>
    protected static string LineText(IReadOnlyList<(double Lat, double Lon)>? line) =>
        line is null ? "" : string.Join("\n", line.Select(v => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{v.Lat:0.0000000}, {v.Lon:0.0000000}")));

    /// <summary>The adapter to the project use cases.</summary>
    protected ProjectPagesAdapter Projects => projects;

    /// <summary>Loads the project; a refusal when it is not found, not the caller's to change, or accepted already.</summary>
    protected async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        var found = await projects.GetAsync(HttpContext, id, ct);
        if (found.Project is null)
        {
            return found.Status == StatusCodes.Status403Forbidden ? ForbiddenPage() : NotFoundPage();
        }

        Project = found.Project;
        if (!await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.ConstructionProject, Project.DistrictCode)))
        {
            return ForbiddenPage();
        }

        if (Project.Stage == "accepted")
        {
            return StatusPage(StatusCodes.Status409Conflict);
        }

        var type = projects.Types.FirstOrDefault(t => t.Code == Project.ProjectType);
        TypeName = type?.Name ?? Project.ProjectType;
        Kinds = [.. (type?.Kinds ?? []).Select(k => new KindChoice(k, kinds.TryGetPlannable(k, out var kind) ? Label(kind.Names) : k))];
        return null;
    }

    /// <summary>The typed position as GeoJSON, or null with its errors; the kind checked against the type's.</summary>
    protected JsonObject? ReadForm()
    {
        if (string.IsNullOrEmpty(Input.Kind) || !Kinds.Any(k => k.Code == Input.Kind))
        {
            ModelState.AddModelError("Input.Kind", Text["staff-projects.error.kind", TypeName]);
        }

        if (IsLine)
        {
            return ReadLine();
        }

        var lat = ReadDegrees(Input.Latitude, 90);
        var lon = ReadDegrees(Input.Longitude, 180);
        if (lat is null)
        {
            ModelState.AddModelError("Input.Latitude", Text["facilities.error.latitude"]);
        }

        if (lon is null)
        {
            ModelState.AddModelError("Input.Longitude", Text["facilities.error.longitude"]);
        }

        return lat is { } la && lon is { } lo ? new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(lo, la) } : null;
    }

    /// <summary>The line box as a GeoJSON LineString (the road pages' reading: at least two "latitude, longitude" lines).</summary>
    private JsonObject? ReadLine()
    {
        var line = Roads.Pages.RoadPageModel.ReadLine(Input.Line);
        if (line is null)
        {
            ModelState.AddModelError("Input.Line", Text["staff-projects.error.line"]);
        }

        return line;
    }
}
