using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Facilities;

/// <summary>One barrier-free facility (无障碍设施) of a kind listed in <c>data/facility-kinds.json</c>.</summary>
public sealed class Facility : IGeoRecord
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Kind code, e.g. <c>accessible_toilet</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>Name shown to users.</summary>
    public required string Name { get; set; }

    /// <summary>Point, or LineString for tactile paving; CGCS2000 (EPSG:4490).</summary>
    public required Geometry Geometry { get; set; }

    /// <summary>Kind-specific attributes, validated against the kind's schema.</summary>
    public JsonObject Attributes { get; set; } = [];

    /// <summary>operational, defective_usable, unusable, under_construction or removed.</summary>
    public required string Status { get; set; }

    /// <summary>Managing unit (管理责任单位).</summary>
    public string? ManagingUnit { get; set; }

    /// <summary>County-level district that contains the facility.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Township, where known.</summary>
    public string? TownshipCode { get; set; }

    /// <summary>
    /// The community grid (网格) the facility lies in, or null: set by the database (trigger <c>place_in_grid</c>) on
    /// every insert and every move, and again when a grid is drawn or changed; never written by the service.
    /// </summary>
    public string? GridCode { get; set; }

    /// <summary>Where the record came from: manual, import, demo…</summary>
    public required string Source { get; set; }

    /// <summary>Identifier in the source system.</summary>
    public string? ExternalId { get; set; }

    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set when soft-deleted; deleted facilities are hidden but kept for the audit trail.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Row version for optimistic concurrency (PostgreSQL xmin).</summary>
    public uint Version { get; set; }
}
