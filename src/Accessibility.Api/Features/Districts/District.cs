using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Districts;

/// <summary>An administrative division (行政区划) keyed by its GB/T 2260 code.</summary>
/// <remarks>
/// Codes are prefix-hierarchical (14 → 1408 → 140881 → 140881001), which the scope checks rely on.
/// </remarks>
public sealed class District
{
    /// <summary>GB/T 2260 code: 2 digits (province), 4 (prefecture city), 6 (county), 9 (township).</summary>
    public required string Code { get; set; }

    /// <summary>Official Chinese name.</summary>
    public required string Name { get; set; }

    /// <summary>Level in the hierarchy.</summary>
    public DistrictLevel Level { get; set; }

    /// <summary>Code of the parent division, null for provinces.</summary>
    public string? ParentCode { get; set; }

    /// <summary>Resident population, where known.</summary>
    public int? Population { get; set; }

    /// <summary>Registered disabled population (持证残疾人), where known.</summary>
    public int? DisabledPopulation { get; set; }

    /// <summary>Boundary in CGCS2000 (EPSG:4490), null where none is known.</summary>
    public MultiPolygon? Boundary { get; set; }

    /// <summary>True where the boundary could only be approximated from older divisions.</summary>
    public bool BoundaryApproximate { get; set; }

    /// <summary>Where the boundary came from (package and file, or an import).</summary>
    public string? BoundarySource { get; set; }
}

/// <summary>Level of a division in the GB/T 2260 hierarchy.</summary>
public enum DistrictLevel
{
    /// <summary>省 / 自治区 / 直辖市.</summary>
    Province = 1,

    /// <summary>地级市 / 地区 / 自治州.</summary>
    Prefecture = 2,

    /// <summary>County-level: 市辖区 / 县 / 县级市.</summary>
    County = 3,

    /// <summary>镇 / 乡 / 街道.</summary>
    Township = 4,
}
