using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Accessibility.Api.Features.Staff.Pages;

/// <summary>The language switch of the header: remembers Chinese or English in a cookie for a year and goes back.</summary>
[AllowAnonymous]
public sealed class LanguageModel : PageModel
{
    /// <summary>Nothing to show.</summary>
    public IActionResult OnGet() => LocalRedirect("/staff/");

    /// <summary>Sets the language (<c>zh</c> or <c>en</c>) and returns to <paramref name="returnUrl"/> inside the workspace.</summary>
    public IActionResult OnPost(string? lang, string? returnUrl)
    {
        var culture = lang == "en" ? "en" : "zh-CN";
        Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
        return LocalRedirect(returnUrl is { } url && url.StartsWith(StaffWorkspace.PathBase, StringComparison.Ordinal) && Url.IsLocalUrl(url)
            ? url
            : StaffWorkspace.PathBase + "/");
    }
}
