using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Staff.Pages;

/// <summary>Signing in to the workspace with an existing account: the same use case as <c>POST /api/v1/auth/login</c>.</summary>
[AllowAnonymous]
public sealed class SignInModel(SignIn signIn, IStringLocalizer text) : StaffPageModel
{
    /// <summary>What the form posts.</summary>
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    /// <summary>Where to go after signing in (a workspace path only).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Shows the form; a signed-in user goes straight on.</summary>
    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect(Destination()) : Page();

    /// <summary>Checks the name and password; throttling, audit and the session as the API does.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await signIn.SignInAsync(HttpContext, Input.UserName, Input.Password, ct);
        switch (result.Outcome)
        {
            case SignInAnswer.SignedIn:
                return LocalRedirect(Destination());
            case SignInAnswer.Invalid:
                AddServiceErrors(result.Errors);
                break;
            case SignInAnswer.Throttled:
                Response.Headers.RetryAfter = result.RetryAfterSeconds;
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ModelState.AddModelError(FieldKey("userName"), text["staff.signIn.throttled"]);
                break;
            default:
                // One message for an unknown name, a wrong password and a disabled account, as the API answers.
                ModelState.AddModelError(FieldKey("userName"), text["staff.signIn.failed"]);
                break;
        }

        Input.Password = null;
        return Page();
    }

    private string Destination() =>
        ReturnUrl is { } url && url.StartsWith(StaffWorkspace.PathBase + "/", StringComparison.Ordinal) && Url.IsLocalUrl(url)
            ? url
            : StaffWorkspace.PathBase + "/";
}

/// <summary>The sign-in form.</summary>
public sealed class SignInForm
{
    /// <summary>Login name.</summary>
    public string? UserName { get; set; }

    /// <summary>Password (never shown again).</summary>
    public string? Password { get; set; }
}
