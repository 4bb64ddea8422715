using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Accessibility.Api.Features.Grids.Pages;

/// <summary>Changing or removing a grid: the same use cases as <c>PUT</c> and <c>DELETE /api/v1/grids/{code}</c>.</summary>
[StaffAccess(ResourceKinds.Grid, "update")]
public sealed class EditModel(GridEditor editor, NpgsqlDataSource dataSource, IOptions<RegistryOptions> options) : StaffPageModel
{
    /// <summary>The grid.</summary>
    [FromRoute]
    public string Code { get; set; } = "";

    /// <summary>What the form posts.</summary>
    [BindProperty]
    public GridForm Input { get; set; } = new();

    /// <summary>The grid's township.</summary>
    public string TownshipCode { get; private set; } = "";

    /// <summary>The geometry field.</summary>
    public GeometryFieldModel GeometryField => new("Geometry", Input.Geometry, PointPickerModel.For(null, null, options.Value), null);

    /// <summary>The form filled with the grid.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await GridSql.GridFormAsync(dataSource, Code, ct) is not { } grid)
        {
            return NotFoundPage();
        }

        if (!await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.Grid, grid.Township)))
        {
            return ForbiddenPage();
        }

        TownshipCode = grid.Township;
        Input = new GridForm
        {
            Name = grid.Name,
            PatrolIntervalDays = grid.Interval.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Geometry = grid.Geometry,
            Version = grid.Version,
        };
        return Page();
    }

    /// <summary>Saves the changes, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var formErrors = new FieldErrors();
        var request = Input.ToRequest(formErrors, forUpdate: true);
        if (formErrors.IsEmpty)
        {
            var outcome = await editor.UpdateAsync(HttpContext, Code, request, Input.Version, ct);
            switch (outcome.Kind)
            {
                case OutcomeKind.Done:
                    return Redirect(GridPages.ListOf(Code[..6], "updated", outcome.Value!.MovedRecords));
                case OutcomeKind.Refused:
                    return ForbiddenPage();
                case OutcomeKind.NotFound:
                    return NotFoundPage();
                case OutcomeKind.Stale:
                    formErrors.Add("version", "The grid changed since you opened this page: open it again and repeat your change.");
                    break;
                default:
                    formErrors.AddRange(outcome.Errors!.ToDictionary());
                    break;
            }
        }

        AddServiceErrors(formErrors.ToDictionary());
        TownshipCode = Code.Length >= 9 ? Code[..9] : "";
        return Page();
    }

    /// <summary>Removes the grid.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        var outcome = await editor.DeleteAsync(HttpContext, Code, Input.Version, ct);
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                return Redirect(GridPages.ListOf(Code[..6], "deleted", outcome.Value!.MovedRecords));
            case OutcomeKind.Refused:
                return ForbiddenPage();
            case OutcomeKind.NotFound:
                return NotFoundPage();
            default:
                AddServiceErrors(new FieldErrors().Add("version", "The grid changed since you opened this page: open it again and repeat your change.").ToDictionary());
                TownshipCode = Code.Length >= 9 ? Code[..9] : "";
                return Page();
        }
    }
}
