using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Infrastructure.Staff;

/// <summary>
/// Base of the staff workspace's page models: turns a use-case service's field errors (keyed by the API's field names)
/// into the form's errors, and answers "not found" / "not yours" with the workspace's status page.
/// </summary>
public abstract class StaffPageModel : PageModel
{
    /// <summary>
    /// Adds a use-case service's errors to the form: <c>householdName</c> becomes <c>Input.HouseholdName</c> (the property
    /// the form binds), so that the error summary links to the field and the field shows its message. Messages are
    /// translated through the catalogue when it has them (key <c>error:</c> + the message).
    /// </summary>
    public void AddServiceErrors(IReadOnlyDictionary<string, string[]> errors, string prefix = "Input")
    {
        ArgumentNullException.ThrowIfNull(errors);
        var localizer = HttpContext.RequestServices.GetRequiredService<IStringLocalizer>();
        foreach (var (field, messages) in errors)
        {
            var key = FieldKey(field, prefix);
            foreach (var message in messages)
            {
                var translated = localizer["error:" + message];
                ModelState.AddModelError(key, translated.ResourceNotFound ? message : translated.Value);
            }
        }
    }

    /// <summary>The form key of an API field name: each dotted part capitalised, under <paramref name="prefix"/>.</summary>
    public static string FieldKey(string field, string prefix = "Input")
    {
        ArgumentNullException.ThrowIfNull(field);
        var parts = field.Split('.').Select(p => p.Length == 0 ? p : char.ToUpper(p[0], CultureInfo.InvariantCulture) + p[1..]);
        var path = string.Join('.', parts);
        return string.IsNullOrEmpty(prefix) ? path : prefix + "." + path;
    }

    /// <summary>The workspace's "not found" page (404): for records that do not exist or that the caller may not learn exist.</summary>
    public IActionResult NotFoundPage() => StatusPage(StatusCodes.Status404NotFound);

    /// <summary>The workspace's "not allowed" page (403): for records outside the caller's districts or role.</summary>
    public IActionResult ForbiddenPage() => StatusPage(StatusCodes.Status403Forbidden);

    /// <summary>The workspace's status page for <paramref name="status"/> (404, 403, 409…), inside the layout.</summary>
    public IActionResult StatusPage(int status) => new PartialViewResult
    {
        ViewName = "_Status",
        StatusCode = status,
        ViewData = new ViewDataDictionary<int>(ViewData, status),
    };
}
