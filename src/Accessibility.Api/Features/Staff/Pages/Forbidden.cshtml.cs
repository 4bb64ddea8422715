using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Staff.Pages;

/// <summary>Where the workspace sends a signed-in user whose role the page's rule does not admit: answered 403.</summary>
[AllowAnonymous]
public sealed class ForbiddenModel : StaffPageModel
{
    /// <summary>The "not allowed" page.</summary>
    public IActionResult OnGet() => ForbiddenPage();
}
