using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>
/// The housing bureau's list of construction projects in the caller's districts, filtered by stage, type and district,
/// each with its stage and barrier-free status (open failures, waived items, compliant once accepted).
/// </summary>
[StaffAccess(ResourceKinds.ConstructionProject, "read-personal")]
public sealed class IndexModel(ProjectPagesAdapter projects, DistrictChoices districtChoices, IStringLocalizer text) : ProjectPageModel(text)
{
    /// <summary>Stage filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    /// <summary>Type filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    /// <summary>District filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? District { get; set; }

    /// <summary>The projects shown.</summary>
    public IReadOnlyList<ProjectListRow> Rows { get; private set; } = [];

    /// <summary>The project types.</summary>
    public IReadOnlyList<ProjectTypeChoice> Types => projects.Types;

    /// <summary>The districts to filter by.</summary>
    public IReadOnlyList<DistrictChoice> Districts { get; private set; } = [];

    /// <summary>Whether the caller may register a project.</summary>
    public bool MayCreate { get; private set; }

    /// <summary>Shows the list.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Stage = Stages.Contains(Stage ?? "", StringComparer.Ordinal) ? Stage : null;
        Type = Types.Any(t => t.Code == Type) ? Type : null;
        Districts = await districtChoices.WithinAsync(ReadScope.For(HttpContext, ResourceKinds.ConstructionProject, Operations.ReadPersonal), ct) ?? [];
        District = string.IsNullOrWhiteSpace(District) ? null : District.Trim();
        Rows = await projects.ListAsync(HttpContext, Stage, Type, District, ct);
        MayCreate = AccessRules.Allows(User, "create", new RegistryResource(ResourceKinds.ConstructionProject, null));
        return Page();
    }

    /// <summary>A type's name in the page's language.</summary>
    public string TypeName(string code) => Types.FirstOrDefault(t => t.Code == code)?.Name ?? code;

    /// <summary>A district's name.</summary>
    public string DistrictName(string code) => Districts.FirstOrDefault(d => d.Code == code)?.Name ?? code;
}
