using System.Globalization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Defects.Pages;

/// <summary>How the triage and repair pages show a use case's refusal: its own page (404, 403) or the form's error summary.</summary>
public static class StaffText
{
    /// <summary>
    /// The page for a refusal that is not about a field (404, 403); a conflict (409) goes into the error summary and null
    /// is answered, as for field errors (422).
    /// </summary>
    public static IActionResult? Refusal<T>(StaffPageModel page, StepOutcome<T> outcome, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(text);
        switch (outcome.Status)
        {
            case StatusCodes.Status404NotFound:
                return page.NotFoundPage();
            case StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden:
                return page.ForbiddenPage();
            case StatusCodes.Status409Conflict:
                var status = outcome.Problem!.Extensions.TryGetValue("status", out var s) ? s?.ToString() : null;
                page.ModelState.AddModelError(string.Empty, text["defects.error.conflict", text["defects.status." + status]]);
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// Adds the use case's field errors to <paramref name="form"/>'s fields; a field with a message of its own in the
    /// catalogue (<c>defects.error.</c> + field) shows that one, in the page's language.
    /// </summary>
    public static void AddErrors(StaffPageModel page, IDictionary<string, string[]> errors, string form, IStringLocalizer text, Func<string, string>? field = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (name, messages) in errors)
        {
            var key = StaffPageModel.FieldKey(field?.Invoke(name) ?? name, form);
            var own = text["defects.error." + name];
            foreach (var message in own.ResourceNotFound ? messages : [own.Value])
            {
                page.ModelState.AddModelError(key, message);
            }
        }
    }

    /// <summary>A date for a date input (China Standard Time).</summary>
    public static string DateInput(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
