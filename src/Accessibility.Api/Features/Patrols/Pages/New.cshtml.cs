using Accessibility.Api.Data;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections.Pages;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Patrols.Pages;

/// <summary>
/// The patrol of one facility on a phone: three yes/no questions (in use? obstructed? damaged?), an optional note and photo;
/// the same use case as <c>POST /api/v1/patrols</c> (<see cref="RecordPatrol"/>), idempotent on the form's client id so that
/// a form sent twice stores one patrol. Back to the grid's worklist with the facility marked.
/// </summary>
[StaffAccess(ResourceKinds.Patrol, "create")]
[RequestSizeLimit(PhotoEndpoints.MaxRequestBodyBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = PhotoEndpoints.MaxRequestBodyBytes)]
public sealed class NewModel(RegistryDbContext db, RecordPatrol record, StorePhoto storePhoto, FacilityKindCatalog catalog, IStringLocalizer text)
    : StaffPageModel
{
    /// <summary>The questions, as the form posts and the API names them.</summary>
    public static readonly IReadOnlyList<string> Questions = ["inUse", "obstructed", "damaged"];

    /// <summary>What the form posts.</summary>
    [BindProperty]
    public PatrolForm Input { get; set; } = new();

    /// <summary>An optional photo.</summary>
    [BindProperty]
    public IFormFile? Photo { get; set; }

    /// <summary>The facility.</summary>
    public Facility? Facility { get; private set; }

    /// <summary>The name of its kind.</summary>
    public string KindName { get; private set; } = "";

    /// <summary>An empty form with a new client id.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refusal)
        {
            return refusal;
        }

        Input.ClientId = Guid.NewGuid();
        return Page();
    }

    /// <summary>Records the patrol and goes back to the worklist, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refusal)
        {
            return refusal;
        }

        var answers = Questions.ToDictionary(q => q, q => Answer(Input.Value(q)), StringComparer.Ordinal);
        foreach (var (question, answer) in answers.Where(a => a.Value is null))
        {
            ModelState.AddModelError(FieldKey(question), text["patrols.error.answer", text["patrols.question." + question]]);
        }

        var photos = new List<Guid>();
        if (Photo is { Length: > 0 })
        {
            if (Photo.Length > PhotoProcessor.MaxFileBytes)
            {
                ModelState.AddModelError(nameof(Photo), text["facilities.photo.refused"]);
            }
            else if (ModelState.IsValid)
            {
                // Stored only once the answers are complete, so that a form shown again does not leave a photo behind.
                var upload = new byte[Photo.Length];
                await using (var stream = Photo.OpenReadStream())
                {
                    await stream.ReadExactlyAsync(upload, ct);
                }

                var stored = await storePhoto.RunAsync(HttpContext, upload, Photo.FileName, ct);
                if (stored.Photo is null)
                {
                    ModelState.AddModelError(nameof(Photo), text["facilities.photo.refused"]);
                }
                else
                {
                    photos.Add(stored.Photo.Id);
                }
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var request = new PatrolRequest(Input.ClientId, id, answers["inUse"], answers["obstructed"], answers["damaged"],
            string.IsNullOrWhiteSpace(Input.Note) ? null : Input.Note, [.. photos], null, null);
        var outcome = await record.RunAsync(HttpContext, request, ct);
        if (!outcome.Succeeded)
        {
            if (outcome.Status is StatusCodes.Status403Forbidden or StatusCodes.Status401Unauthorized)
            {
                return ForbiddenPage();
            }

            AddServiceErrors(outcome.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
            return Page();
        }

        var defect = await PatrolDefectAsync(outcome.Value!.Id, ct);
        var query = "?patrolled=" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + (defect is { } d ? "&defect=" + d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        return Redirect((Facility!.GridCode is { } grid ? PatrolPaths.Worklist(grid) : PatrolPaths.Grids) + query);
    }

    private async Task<long?> PatrolDefectAsync(long patrol, CancellationToken ct)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        var json = await PatrolSql.ByIdAsync(connection, patrol, ct);
        return System.Text.Json.Nodes.JsonNode.Parse(json!)!["defectId"]?.GetValue<long>();
    }

    private static bool? Answer(string? value) => value switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        Facility = await db.Facilities.FindAsync([id], ct);
        if (Facility is null || Facility.DeletedAt is not null)
        {
            return NotFoundPage();
        }

        if (!await HttpContext.MayAsync(Operations.Create, RecordPatrol.Resource(Facility.DistrictCode, Facility.GridCode)))
        {
            return ForbiddenPage();
        }

        KindName = catalog.TryGet(Facility.Kind, out var kind) ? kind.Names.Local() : Facility.Kind;
        return null;
    }
}

/// <summary>The patrol form as posted.</summary>
public sealed class PatrolForm
{
    /// <summary>Client id: the same form sent twice stores one patrol.</summary>
    public Guid ClientId { get; set; }

    /// <summary>"true" or "false".</summary>
    public string? InUse { get; set; }

    /// <summary>"true" or "false".</summary>
    public string? Obstructed { get; set; }

    /// <summary>"true" or "false".</summary>
    public string? Damaged { get; set; }

    /// <summary>Optional note.</summary>
    public string? Note { get; set; }

    /// <summary>The answer to a question by its API name.</summary>
    public string? Value(string question) => question switch
    {
        "inUse" => InUse,
        "obstructed" => Obstructed,
        "damaged" => Damaged,
        _ => null,
    };
}
