namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>The fields of the project registration form, as typed.</summary>
public sealed class ProjectFormInput
{
    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Builder (建设单位).</summary>
    public string? Builder { get; set; }

    /// <summary>Type code.</summary>
    public string? ProjectType { get; set; }

    /// <summary>new or alteration.</summary>
    public string? Works { get; set; }

    /// <summary>Latitude of the site.</summary>
    public string? Latitude { get; set; }

    /// <summary>Longitude of the site.</summary>
    public string? Longitude { get; set; }

    /// <summary>Footprint or line as GeoJSON text (WGS84); the site's point when empty.</summary>
    public string? Footprint { get; set; }

    /// <summary>Description.</summary>
    public string? Description { get; set; }

    /// <summary>Planned completion, yyyy-MM-dd.</summary>
    public string? PlannedCompletion { get; set; }
}

/// <summary>The fields of the planned facility form.</summary>
public sealed class PlannedFacilityInput
{
    /// <summary>Kind code.</summary>
    public string? Kind { get; set; }

    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Latitude.</summary>
    public string? Latitude { get; set; }

    /// <summary>Longitude.</summary>
    public string? Longitude { get; set; }

    /// <summary>A line (tactile paving, a road segment): one vertex per line of text, "latitude, longitude".</summary>
    public string? Line { get; set; }
}
