using System.Globalization;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>What the construction project pages share: the stages in order, labels in the page's language.</summary>
public abstract class ProjectPageModel(IStringLocalizer text) : StaffPageModel
{
    /// <summary>The stages, in order (规划 → 设计审查 → 施工 → 竣工验收 → 已验收).</summary>
    public static readonly IReadOnlyList<string> Stages = ["planning", "design-review", "construction", "acceptance", "accepted"];

    /// <summary>The stages at which the barrier-free items are checked.</summary>
    public static readonly IReadOnlyList<string> CheckStages = ["design-review", "acceptance"];

    /// <summary>new or alteration.</summary>
    public static readonly IReadOnlyList<string> WorksKinds = ["new", "alteration"];

    /// <summary>The string catalogue.</summary>
    protected IStringLocalizer Text => text;

    /// <summary>Whether the page is in English.</summary>
    public static bool English => StringCatalog.LanguageOf(CultureInfo.CurrentUICulture) == "en";

    /// <summary>A catalogue label in the page's language.</summary>
    public static string Label(LocalizedText label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return English ? label.En : label.Zh;
    }

    /// <summary>A date as the workspace shows it.</summary>
    public static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A time as the workspace shows it (China Standard Time).</summary>
    public static string When(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Whether a check is recorded at <paramref name="stage"/>.</summary>
    public static bool IsCheckStage(string? stage) => stage is not null && CheckStages.Contains(stage, StringComparer.Ordinal);

    /// <summary>Decimal degrees within ±<paramref name="limit"/> (decimal point or comma), or null.</summary>
    protected static double? ReadDegrees(string? value, double limit) =>
        double.TryParse(value?.Trim().Replace('，', '.').Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
        && double.IsFinite(d) && Math.Abs(d) <= limit
            ? d
            : null;

    /// <summary>
    /// Adds a use case's field errors (the API's field names) to the form: the site's errors under the field that was
    /// typed (the footprint, else the latitude), errors on no field at the summary's top, the others as
    /// <c>Input.X</c>. A field that already has an error (unreadable as typed) gets no second one.
    /// </summary>
    protected void AddProjectErrors(IReadOnlyDictionary<string, string[]> errors, bool footprintTyped = false, string? geometryKey = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var rest = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, messages) in errors)
        {
            var key = field switch
            {
                "geometry" or "districtCode" or "crs" or "location" => geometryKey ?? (footprintTyped ? "Input.Footprint" : "Input.Latitude"),
                "" or "stage" or "version" or "If-Match" => "",
                // Attribute fields are named as the API names them (FacilityForms).
                _ when field.StartsWith(FacilityForms.AttributePrefix, StringComparison.Ordinal) => field,
                _ => null,
            };
            if (key is null)
            {
                rest[field] = messages;
                continue;
            }

            if (key.Length > 0 && ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
            {
                continue;
            }

            foreach (var message in messages)
            {
                var translated = Text["error:" + message];
                ModelState.AddModelError(key, translated.ResourceNotFound ? message : translated.Value);
            }
        }

        foreach (var (field, _) in rest.ToList())
        {
            if (ModelState.TryGetValue(FieldKey(field), out var entry) && entry.Errors.Count > 0)
            {
                rest.Remove(field);
            }
        }

        AddServiceErrors(rest);
    }
}
