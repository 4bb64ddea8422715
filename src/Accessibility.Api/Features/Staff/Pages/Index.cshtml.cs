using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;

namespace Accessibility.Api.Features.Staff.Pages;

/// <summary>The workspace's start page: the areas the signed-in role works in, each with what one does there.</summary>
[StaffAccess(ResourceKinds.Account, "read")]
public sealed class IndexModel : StaffPageModel
{
    /// <summary>The areas of the caller's role.</summary>
    public IReadOnlyList<StaffArea> Areas { get; private set; } = [];

    /// <summary>Lists the areas.</summary>
    public void OnGet() => Areas = StaffNavigation.For(User);
}
