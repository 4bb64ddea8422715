using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Sharing.Pages;

/// <summary>The API keys the administrator manages: the same use case as <c>GET /api/v1/api-keys</c>.</summary>
[StaffAccess(ResourceKinds.ApiKey, "administer")]
public sealed class IndexModel(ListApiKeys list) : StaffPageModel
{
    /// <summary>The keys.</summary>
    public IReadOnlyList<ApiKeySummary> Keys { get; private set; } = [];

    /// <summary>A key was just revoked.</summary>
    public bool Revoked { get; private set; }

    /// <summary>Lists the keys.</summary>
    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken ct)
    {
        Revoked = done == "revoked";
        Keys = await list.RunAsync(HttpContext, ct);
        return Page();
    }

    /// <summary>Catalogue key of a key's status.</summary>
    public string StatusKey(ApiKeySummary key) => ApiKeyPages.StatusKey(key);
}
