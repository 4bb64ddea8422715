using System.Globalization;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Staff;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>Base of the renovation pages: the page's language for the catalogue's own labels, and the district chosen.</summary>
public abstract class RenovationPageModel : StaffPageModel
{
    /// <summary>"zh" or "en".</summary>
    public static string Language => StringCatalog.LanguageOf(CultureInfo.CurrentUICulture);

    /// <summary>The label of a catalogue entry in the page's language.</summary>
    public static string Label(LocalizedText text) => text is null ? "" : Language == "en" ? text.En : text.Zh;

    /// <summary>A sum of money, as a clerk reads it.</summary>
    public static string Money(decimal? value) => value?.ToString("#,##0.00", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>The counties the user works on (for the district choice).</summary>
    public IReadOnlyList<DistrictChoice> Counties { get; protected set; } = [];

    /// <summary>The county chosen, or the user's first, when it is one of theirs; else what was asked (the service refuses it).</summary>
    protected static string? Chosen(string? asked, IReadOnlyList<DistrictChoice> counties) =>
        string.IsNullOrWhiteSpace(asked) ? counties.FirstOrDefault()?.Code : asked.Trim();
}

/// <summary>The choice of county (and year) of a page.</summary>
/// <param name="Counties">The user's counties.</param>
/// <param name="District">The one shown.</param>
/// <param name="Year">The year shown.</param>
/// <param name="WithYear">Whether the year is asked.</param>
public sealed record DistrictChoiceForm(IReadOnlyList<DistrictChoice> Counties, string? District, int? Year = null, bool WithYear = false);
