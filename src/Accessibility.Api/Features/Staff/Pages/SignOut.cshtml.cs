using Accessibility.Api.Features.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Accessibility.Api.Features.Staff.Pages;

/// <summary>Signing out (the header's button posts here): ends the session on the server, as the API's logout does.</summary>
[AllowAnonymous]
public sealed class SignOutModel(SignIn signIn) : PageModel
{
    /// <summary>Nothing to show: back to the sign-in page.</summary>
    public IActionResult OnGet() => LocalRedirect("/staff/sign-in");

    /// <summary>Signs out and shows the sign-in page.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await signIn.SignOutAsync(HttpContext, ct);
        return LocalRedirect("/staff/sign-in?signedOut=1");
    }
}
