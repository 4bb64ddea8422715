using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>
/// What the facility and road pages share: labels in the request's language, the typed position, and the use cases'
/// field errors mapped onto the form's fields (attribute fields keep the API's name, <c>attributes.slope</c>, and the id
/// <c>attributes_slope</c> the error summary links to), with messages from the string catalogue.
/// </summary>
public abstract class FacilityPageModel(IStringLocalizer text) : StaffPageModel
{
    /// <summary>The string catalogue.</summary>
    protected IStringLocalizer Text => text;

    /// <summary>Whether the page is shown in English (else Chinese).</summary>
    public static bool English => StringCatalog.LanguageOf(CultureInfo.CurrentUICulture) == "en";

    /// <summary>A catalogue label in the request's language.</summary>
    public static string Label(LocalizedText label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return English ? label.En : label.Zh;
    }

    /// <summary>A number as the form shows it (invariant, no exponent for ordinary values).</summary>
    public static string Number(double value) => value.ToString("0.#######", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads typed latitude and longitude (decimal point or comma) into a GeoJSON Point; null with errors under
    /// <c>Input.Latitude</c> / <c>Input.Longitude</c> when they cannot be read.
    /// </summary>
    protected JsonObject? ReadPoint(string? latitude, string? longitude)
    {
        var lat = ReadDegrees(latitude, 90);
        var lon = ReadDegrees(longitude, 180);
        if (lat is null)
        {
            ModelState.AddModelError("Input.Latitude", text["facilities.error.latitude"]);
        }

        if (lon is null)
        {
            ModelState.AddModelError("Input.Longitude", text["facilities.error.longitude"]);
        }

        return lat is { } la && lon is { } lo
            ? new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(lo, la) }
            : null;
    }

    /// <summary>Decimal degrees within ±<paramref name="limit"/>, or null.</summary>
    protected static double? ReadDegrees(string? value, double limit) =>
        double.TryParse(value?.Trim().Replace('，', '.').Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
        && double.IsFinite(d) && Math.Abs(d) <= limit
            ? d
            : null;

    /// <summary>
    /// Adds a use case's errors to the form: attribute errors under their field (messages built from the catalogue's
    /// field: required, range), position errors under the latitude, the others under <c>Input.X</c>.
    /// </summary>
    protected virtual string ValidFromKey => "Input.ValidFrom";

    /// <summary>Adds the write errors of a use case to the form, in the page's words.</summary>
    protected void AddWriteErrors(IReadOnlyDictionary<string, string[]> errors, FacilityForm? form = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var rest = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, messages) in errors)
        {
            if (form?.Fields.FirstOrDefault(f => f.Name == field) is { } attribute)
            {
                ModelState.AddModelError(field, AttributeMessage(attribute, messages));
            }
            else if (field is "geometry" or "districtCode" or "crs")
            {
                ModelState.AddModelError("Input.Latitude", text["facilities.error.outside"]);
            }
            else if (field == "name")
            {
                ModelState.AddModelError("Input.Name", text["facilities.error.name"]);
            }
            else if (field == Infrastructure.History.EffectiveTime.Field)
            {
                ModelState.AddModelError(ValidFromKey, text["facilities.error.validFrom"]);
            }
            else if (field is "kind" or "version" or "If-Match")
            {
                foreach (var m in messages)
                {
                    ModelState.AddModelError("", m);
                }
            }
            else
            {
                rest[field] = messages;
            }
        }

        AddServiceErrors(rest);
    }

    private string AttributeMessage(FormField field, string[] messages)
    {
        var a = field.Attribute;
        var label = Label(a.Labels);
        if (messages.Any(m => m.Contains("is required", StringComparison.Ordinal)))
        {
            return a.Type is AttributeValueType.Enum or AttributeValueType.Boolean ? text["facilities.error.choose", label] : text["facilities.error.required", label];
        }

        if (field.IsNumber && (a.Min is not null || a.Max is not null))
        {
            var unit = field.UnitLabel is { } u && a.Unit != "ratio" ? " " + Label(u) : "";
            var range = (a.Min, a.Max) switch
            {
                ({ } min, { } max) => English ? $"from {Number(min)} to {Number(max)}{unit}" : $"{Number(min)} 至 {Number(max)}{unit}",
                ({ } min, null) => English ? $"at least {Number(min)}{unit}" : $"{Number(min)}{unit} 以上",
                (null, { } max) => English ? $"at most {Number(max)}{unit}" : $"{Number(max)}{unit} 以下",
                _ => "",
            };
            return text["facilities.error.range", label, range];
        }

        return text["facilities.error.value", label];
    }
}
