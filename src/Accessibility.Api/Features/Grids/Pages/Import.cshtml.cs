using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Grids.Pages;

/// <summary>What the grid import form posts.</summary>
public sealed class GridImportForm
{
    /// <summary>The GeoJSON or zipped Shapefile.</summary>
    public IFormFile? File { get; set; }

    /// <summary>Property holding the code.</summary>
    public string? CodeProperty { get; set; } = "code";

    /// <summary>Property holding the name.</summary>
    public string? NameProperty { get; set; } = "name";

    /// <summary>Property holding the township code.</summary>
    public string? TownshipProperty { get; set; } = "township";
}

/// <summary>Importing grids from a file: the same use case as <c>POST /api/v1/grids/import</c>.</summary>
[StaffAccess(ResourceKinds.Grid, "administer")]
public sealed class ImportModel(GridImporter importer) : StaffPageModel
{
    /// <summary>What the form posts.</summary>
    [BindProperty]
    public GridImportForm Input { get; set; } = new();

    /// <summary>The result of the last import (shown on this page).</summary>
    public GridImportResult? Result { get; private set; }

    /// <summary>An empty form.</summary>
    public IActionResult OnGet() => Page();

    /// <summary>Imports the file and shows what was kept and what was refused, and why.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (Input.File is not { Length: > 0 } file)
        {
            errors.Add("file", "Choose a GeoJSON file or a zipped Shapefile.");
        }
        else if (file.Length > GridEndpoints.MaxImportBytes)
        {
            errors.Add("file", "The file is larger than 64 MB.");
        }
        else
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            var mapping = new GridImportMapping(Prop(Input.CodeProperty, "code"), Prop(Input.NameProperty, "name"), Prop(Input.TownshipProperty, "township"));
            try
            {
                Result = await importer.ImportAsync(HttpContext, buffer.ToArray(), mapping, ct);
                foreach (var refusal in Result.Refused)
                {
                    foreach (var reason in refusal.Reasons)
                    {
                        var label = Districts.BoundaryChecks.Label(refusal.Code ?? "", refusal.Name);
                        var at = "#" + (refusal.Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        errors.Add("file", $"{at} {label}: {reason}");
                    }
                }
            }
            catch (InvalidDataException ex)
            {
                errors.Add("file", ex.Message);
            }
        }

        AddServiceErrors(errors.ToDictionary());
        return Page();
    }

    private static string Prop(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}
