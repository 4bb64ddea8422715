using System.Globalization;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Staff;

namespace Accessibility.Api.Features.Inspections.Pages;

/// <summary>The page's language applied to the catalogues' two-language texts (checklists, facility kinds, report categories).</summary>
public static class StaffLanguage
{
    /// <summary>Whether the page is in English.</summary>
    public static bool IsEnglish => StringCatalog.LanguageOf(CultureInfo.CurrentUICulture) == "en";

    /// <summary>The text in the page's language.</summary>
    public static string Local(this LocalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsEnglish ? text.En : text.Zh;
    }

    /// <summary>Chinese or English, by the page's language.</summary>
    public static string Pick(string zh, string en) => IsEnglish ? en : zh;

    /// <summary>A time as the workspace shows it: local date and minutes (China Standard Time).</summary>
    public static string When(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A date as the workspace shows it (China Standard Time).</summary>
    public static string Day(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
