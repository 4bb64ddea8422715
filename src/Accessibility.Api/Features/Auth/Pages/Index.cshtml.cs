using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Auth.Pages;

/// <summary>The accounts the administrator manages: the same use case as <c>GET /api/v1/users</c>.</summary>
[StaffAccess(ResourceKinds.User, "administer")]
public sealed class IndexModel(ListUsers list) : StaffPageModel
{
    /// <summary>The accounts.</summary>
    public IReadOnlyList<UserSummary> Users { get; private set; } = [];

    /// <summary>What was just done, for the notice.</summary>
    public string? Notice { get; private set; }

    /// <summary>Lists the accounts.</summary>
    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done is "created" ? done : null;
        Users = await list.RunAsync(HttpContext, ct);
        return Page();
    }
}
