using System.Text.Json.Nodes;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Accessibility.Api.Features.Patrols.Pages;

/// <summary>
/// A grid's worklist, as <c>GET /api/v1/grids/{code}/worklist</c> reads it: never patrolled and overdue facilities first,
/// each leading to its patrol form; after a patrol, the facility is marked and the defect it raised named.
/// </summary>
[StaffAccess(ResourceKinds.Patrol, "create")]
public sealed class WorklistModel(NpgsqlDataSource dataSource, TimeProvider clock) : StaffPageModel
{
    /// <summary>The grid.</summary>
    public PatrolGrid? Grid { get; private set; }

    /// <summary>The facilities, in the order to patrol them.</summary>
    public JsonArray Facilities { get; private set; } = [];

    /// <summary>The facility just patrolled, for the notice and its mark.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Patrolled { get; set; }

    /// <summary>The defect the patrol raised or named.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Defect { get; set; }

    /// <summary>The worklist, or 404 / 403.</summary>
    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        if (!PatrolEndpoints.IsGridCode(code))
        {
            return NotFoundPage();
        }

        if (!await HttpContext.MayAsync(Operations.Create, RecordPatrol.Resource(code[..6], code)))
        {
            return ForbiddenPage();
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        Grid = await PatrolSql.GridAsync(connection, code, ct);
        if (Grid is null)
        {
            return NotFoundPage();
        }

        var worklist = JsonNode.Parse(await PatrolSql.WorklistAsync(connection, Grid, clock.GetUtcNow(), ct))!;
        Facilities = worklist["facilities"]!.AsArray();
        return Page();
    }
}
