using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>The attribute fields partial's model: the kind's form and the values to show, by field name.</summary>
/// <param name="Form">The kind's form.</param>
/// <param name="Values">Values by field name (<c>attributes.slope</c>), as typed or as stored.</param>
public sealed record AttributeFieldsModel(FacilityForm Form, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>The values of <paramref name="attributes"/> as the form shows them.</summary>
    public static AttributeFieldsModel Stored(FacilityForm form, JsonObject? attributes)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new(form, form.Fields.ToDictionary(f => f.Name, f => FacilityForms.Show(f, attributes), StringComparer.Ordinal));
    }

    /// <summary>The values as posted.</summary>
    public static AttributeFieldsModel Posted(FacilityForm form, IFormCollection posted)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(posted);
        return new(form, form.Fields.ToDictionary(f => f.Name, f => posted[f.Name].ToString(), StringComparer.Ordinal));
    }
}
