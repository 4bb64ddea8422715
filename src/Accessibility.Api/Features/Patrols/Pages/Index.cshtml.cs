using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Accessibility.Api.Features.Patrols.Pages;

/// <summary>
/// "My grids": the grids the caller patrols — a grid worker's own, every grid of an inspector's or administrator's districts —
/// each with its facilities and how many are due, leading to its worklist.
/// </summary>
[StaffAccess(ResourceKinds.Patrol, "create")]
public sealed class IndexModel(NpgsqlDataSource dataSource, TimeProvider clock) : StaffPageModel
{
    /// <summary>The grids, by code.</summary>
    public IReadOnlyList<(PatrolGrid Grid, int Facilities, int Due)> Grids { get; private set; } = [];

    /// <summary>Whether the caller is a grid worker (the page speaks of "my grids").</summary>
    public bool IsGridWorker { get; private set; }

    /// <summary>Lists the grids.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var grids = PatrolEndpoints.GridsOf(HttpContext);
        IsGridWorker = grids is not null;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        Grids = await PatrolSql.GridsAsync(connection, grids, ReadScope.For(HttpContext, ResourceKinds.Patrol, Operations.Create), clock.GetUtcNow(), ct);
        return Page();
    }
}
