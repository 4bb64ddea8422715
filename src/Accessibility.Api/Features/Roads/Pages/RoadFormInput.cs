namespace Accessibility.Api.Features.Roads.Pages;

/// <summary>The road segment form.</summary>
public sealed class RoadFormInput
{
    /// <summary>Street name.</summary>
    public string? Name { get; set; }

    /// <summary>Road class code.</summary>
    public string? RoadClass { get; set; }

    /// <summary>Points, one a line, "latitude, longitude".</summary>
    public string? Coordinates { get; set; }

    /// <summary>Sidewalk width in metres, as typed.</summary>
    public string? SidewalkWidthM { get; set; }

    /// <summary>Curb ramp at the start.</summary>
    public bool CurbRampStart { get; set; }

    /// <summary>Curb ramp at the end.</summary>
    public bool CurbRampEnd { get; set; }

    /// <summary>none, partial or continuous.</summary>
    public string? TactilePaving { get; set; } = "none";

    /// <summary>Surface.</summary>
    public string? Surface { get; set; }

    /// <summary>Status code.</summary>
    public string? Status { get; set; } = "operational";

    /// <summary>The version read (editing).</summary>
    public long? Version { get; set; }
}
