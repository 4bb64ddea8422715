using System.Text.Json;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Accessibility.Api.Features.Grids.Pages;

/// <summary>What the grid forms post.</summary>
public sealed class GridForm
{
    /// <summary>Township (new grids only).</summary>
    public string? TownshipCode { get; set; }

    /// <summary>Code, or its last 3 digits; empty: the next free one.</summary>
    public string? Code { get; set; }

    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Days between patrols, as typed.</summary>
    public string? PatrolIntervalDays { get; set; }

    /// <summary>The boundary as GeoJSON text.</summary>
    public string? Geometry { get; set; }

    /// <summary>The version read (edit only).</summary>
    public long? Version { get; set; }

    /// <summary>The request for the use case; form-level errors (unreadable number or JSON) in <paramref name="errors"/>.</summary>
    public GridRequest ToRequest(FieldErrors errors, bool forUpdate)
    {
        ArgumentNullException.ThrowIfNull(errors);
        int? interval = null;
        if (!string.IsNullOrWhiteSpace(PatrolIntervalDays))
        {
            if (int.TryParse(PatrolIntervalDays.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days))
            {
                interval = days;
            }
            else
            {
                errors.Add("patrolIntervalDays", "Expected a number of days from 1 to 366.");
            }
        }

        JsonElement? geometry = null;
        if (!string.IsNullOrWhiteSpace(Geometry))
        {
            try
            {
                geometry = JsonSerializer.Deserialize<JsonElement>(Geometry);
            }
            catch (JsonException ex)
            {
                errors.Add("geometry", "The GeoJSON cannot be read: " + ex.Message);
            }
        }

        return forUpdate
            ? new GridRequest(null, null, Name ?? "", interval, geometry, null)
            : new GridRequest(TownshipCode, string.IsNullOrWhiteSpace(Code) ? null : Code, Name, interval, geometry, null);
    }
}

/// <summary>Drawing a grid: the same use case as <c>POST /api/v1/grids</c>.</summary>
[StaffAccess(ResourceKinds.Grid, "create")]
public sealed class NewModel(GridEditor editor, NpgsqlDataSource dataSource, IOptions<RegistryOptions> options) : StaffPageModel
{
    /// <summary>What the form posts.</summary>
    [BindProperty]
    public GridForm Input { get; set; } = new();

    /// <summary>The county whose townships are offered.</summary>
    [BindProperty(SupportsGet = true)]
    public string? County { get; set; }

    /// <summary>The township chosen in advance.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Township { get; set; }

    /// <summary>Townships to choose from.</summary>
    public IReadOnlyList<TownshipRow> Townships { get; private set; } = [];

    /// <summary>The geometry field.</summary>
    public GeometryFieldModel GeometryField => new("Geometry", Input.Geometry, PointPickerModel.For(null, null, options.Value), null);

    /// <summary>An empty form.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Input = new GridForm { TownshipCode = Township, PatrolIntervalDays = "30" };
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Draws the grid, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var formErrors = new FieldErrors();
        var request = Input.ToRequest(formErrors, forUpdate: false);
        if (formErrors.IsEmpty)
        {
            var outcome = await editor.CreateAsync(HttpContext, request, ct);
            if (outcome.IsDone)
            {
                return Redirect(GridPages.ListOf(Input.TownshipCode![..6], "created", outcome.Value!.MovedRecords));
            }

            if (outcome.Kind == OutcomeKind.Refused)
            {
                return ForbiddenPage();
            }

            formErrors.AddRange(outcome.Errors!.ToDictionary());
        }

        AddServiceErrors(formErrors.ToDictionary());
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var source = County ?? Input.TownshipCode ?? Township;
        var county = source is { Length: >= 6 } ? source[..6] : null;
        if (county is { Length: 6 } && county.All(char.IsAsciiDigit) && ReadScope.For(User, ResourceKinds.Grid, Operations.Create).Covers(county))
        {
            County = county;
            Townships = await GridSql.TownshipsAsync(dataSource, county, ct);
        }
    }
}
