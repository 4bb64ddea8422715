using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace Accessibility.Api.Features.Grids.Pages;

/// <summary>Community grids of a county, by township: what is drawn, what is missing, and the ways to change it.</summary>
[StaffAccess(ResourceKinds.Grid, "create")]
public sealed class IndexModel(NpgsqlDataSource dataSource, DistrictChoices districts, IStringLocalizer text) : StaffPageModel
{
    /// <summary>The county shown.</summary>
    [BindProperty(SupportsGet = true)]
    public string? County { get; set; }

    /// <summary>What was just done (created, updated, deleted, township, imported).</summary>
    [BindProperty(Name = "done", SupportsGet = true)]
    public string? Notice { get; set; }

    /// <summary>How many records the last change placed in another grid.</summary>
    [BindProperty(Name = "moved", SupportsGet = true)]
    public long? Moved { get; set; }

    /// <summary>Counties to choose from (null: typed as a code).</summary>
    public IReadOnlyList<DistrictChoice>? Counties { get; private set; }

    /// <summary>The county's townships.</summary>
    public IReadOnlyList<TownshipRow> Townships { get; private set; } = [];

    /// <summary>The county's grids.</summary>
    public IReadOnlyList<GridRow> Grids { get; private set; } = [];

    /// <summary>Shows the county's townships and grids.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var scope = ReadScope.For(User, ResourceKinds.Grid, Operations.Create);
        Counties = (await districts.WithinAsync(scope, ct))?.Where(d => d.Level == DistrictLevel.County).ToList();
        County = County?.Trim();
        if (string.IsNullOrEmpty(County))
        {
            County = Counties?.FirstOrDefault()?.Code;
        }

        if (County is { Length: 6 } && County.All(char.IsAsciiDigit))
        {
            if (!scope.Covers(County))
            {
                return ForbiddenPage();
            }

            Townships = await GridSql.TownshipsAsync(dataSource, County, ct);
            Grids = await GridSql.GridsAsync(dataSource, County, ct);
        }
        else if (County is not null)
        {
            ModelState.AddModelError(nameof(County), text["grids.county.invalid"]);
        }

        return Page();
    }
}
