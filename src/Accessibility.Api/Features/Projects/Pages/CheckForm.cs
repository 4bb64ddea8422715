namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>The check form: per checklist item (by code) its value and unit, or "not applicable" with a reason.</summary>
public sealed class CheckForm
{
    /// <summary>Values: a measurement as typed, an observation as <c>true</c>/<c>false</c>.</summary>
    public Dictionary<string, string> Values { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Units of the measurements.</summary>
    public Dictionary<string, string> Units { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>true</c> for an item that does not apply.</summary>
    public Dictionary<string, string> NotApplicable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Why an item does not apply.</summary>
    public Dictionary<string, string> Reasons { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Note on the whole check.</summary>
    public string? Note { get; set; }

    /// <summary>Whether <paramref name="code"/> is marked not applicable.</summary>
    public bool IsNotApplicable(string code) => NotApplicable.GetValueOrDefault(code) == "true";
}
