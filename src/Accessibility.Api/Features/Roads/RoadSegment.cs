using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Roads;

/// <summary>A street or sidewalk segment (道路) and its accessibility features.</summary>
public sealed class RoadSegment : IGeoRecord
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Street name.</summary>
    public string? Name { get; set; }

    /// <summary>main (主干路), secondary (次干路) or branch (支路).</summary>
    public required string RoadClass { get; set; }

    /// <summary>Centre line, CGCS2000 (EPSG:4490).</summary>
    public required LineString Geometry { get; set; }

    /// <summary>Sidewalk width in metres; null where there is no sidewalk or it is unknown.</summary>
    public double? SidewalkWidthM { get; set; }

    /// <summary>Whether the start has a curb ramp.</summary>
    public bool CurbRampStart { get; set; }

    /// <summary>Whether the end has a curb ramp.</summary>
    public bool CurbRampEnd { get; set; }

    /// <summary>none, partial or continuous.</summary>
    public string TactilePaving { get; set; } = "none";

    /// <summary>Surface, e.g. asphalt, paving_stones.</summary>
    public string? Surface { get; set; }

    /// <summary>Obstacles and other attributes (incline, obstacles…).</summary>
    public JsonObject Attributes { get; set; } = [];

    /// <summary>operational, defective_usable, unusable, under_construction or removed.</summary>
    public string Status { get; set; } = "operational";

    /// <summary>Managing unit (管理责任单位).</summary>
    public string? ManagingUnit { get; set; }

    /// <summary>County-level district containing the segment's midpoint.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Township, where known.</summary>
    public string? TownshipCode { get; set; }

    /// <summary>
    /// The community grid (网格) holding the segment's midpoint, or null: set by the database (trigger
    /// <c>place_in_grid</c>), never written by the service.
    /// </summary>
    public string? GridCode { get; set; }

    /// <summary>Where the record came from.</summary>
    public required string Source { get; set; }

    /// <summary>Identifier in the source system.</summary>
    public string? ExternalId { get; set; }

    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set when soft-deleted.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Row version (xmin).</summary>
    public uint Version { get; set; }
}
