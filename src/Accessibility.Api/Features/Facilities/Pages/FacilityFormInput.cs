namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>The fixed fields of the facility forms (the kind's attributes are posted as <c>attributes.x</c>).</summary>
public sealed class FacilityFormInput
{
    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Latitude, decimal degrees as typed.</summary>
    public string? Latitude { get; set; }

    /// <summary>Longitude, decimal degrees as typed.</summary>
    public string? Longitude { get; set; }

    /// <summary>Managing unit.</summary>
    public string? ManagingUnit { get; set; }

    /// <summary>The version read (edit forms).</summary>
    public long? Version { get; set; }

    /// <summary>When the change took effect, if earlier than now (edit form; yyyy-MM-dd, empty for now).</summary>
    public string? ValidFrom { get; set; }
}
