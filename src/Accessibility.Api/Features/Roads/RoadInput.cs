using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Roads;

/// <summary>A road segment create or update, checked: the one validation the API and the staff pages share.</summary>
internal sealed record RoadInput(
    string RoadClass, LineString Geometry, string? Name, double? SidewalkWidthM, bool CurbRampStart, bool CurbRampEnd,
    string TactilePaving, string? Surface, JsonObject Attributes, string Status, string? ManagingUnit, string? Source, string? ExternalId)
{
    /// <summary>Tactile paving along the segment.</summary>
    public static readonly IReadOnlyList<string> TactilePavingValues = ["none", "partial", "continuous"];

    /// <summary>The write flow of road segments (audit entity type, Feature built in PostGIS).</summary>
    public static readonly GeoRecordWrites<RoadSegment> Writes = new(RoadEndpoints.AuditEntityType, RoadSql.FeatureByIdAsync);

    /// <summary>Checks a request; null with <paramref name="errors"/> filled when it is not acceptable.</summary>
    public static RoadInput? Validate(RoadRequest r, FacilityKindCatalog catalog, FieldErrors errors)
    {
        var roadClass = r.RoadClass?.Trim();
        if (string.IsNullOrEmpty(roadClass))
        {
            errors.Add("roadClass", "A road class is required: " + string.Join(", ", catalog.RoadClasses.Select(c => c.Code)) + ".");
        }
        else if (!catalog.IsRoadClass(roadClass))
        {
            errors.Add("roadClass", "Unknown road class '" + roadClass + "'; expected one of " + string.Join(", ", catalog.RoadClasses.Select(c => c.Code)) + ".");
        }

        Text.Optional(errors, "name", r.Name, 200);
        Text.Optional(errors, "surface", r.Surface, 40);
        Text.Optional(errors, "managingUnit", r.ManagingUnit, 200);
        Text.Optional(errors, "source", r.Source, 40);
        Text.Optional(errors, "externalId", r.ExternalId, 100);
        var status = Statuses.Check(catalog, r.Status, errors);
        var tactile = string.IsNullOrWhiteSpace(r.TactilePaving) ? "none" : r.TactilePaving.Trim();
        if (!TactilePavingValues.Contains(tactile, StringComparer.Ordinal))
        {
            errors.Add("tactilePaving", "Expected one of " + string.Join(", ", TactilePavingValues) + ".");
        }

        if (r.SidewalkWidthM is { } width && !(width >= 0 && width <= 50))
        {
            errors.Add("sidewalkWidthM", "Expected a width in metres from 0 to 50.");
        }

        LineString? line = null;
        if (!InputCrsParser.TryParse(r.Crs, out var crs))
        {
            errors.Add("crs", "Unknown CRS '" + r.Crs + "'; expected WGS84, CGCS2000, GCJ02 or BD09.");
        }
        else if (JsonBody.ReadGeometry(r.Geometry, crs, "geometry", errors) is { } geometry)
        {
            line = geometry as LineString;
            if (line is null)
            {
                errors.Add("geometry", "A road segment must be a LineString, not " + geometry.GeometryType + ".");
            }
        }

        return errors.IsEmpty
            ? new RoadInput(roadClass!, line!, Text.Clean(r.Name), r.SidewalkWidthM, r.CurbRampStart ?? false, r.CurbRampEnd ?? false,
                tactile, Text.Clean(r.Surface), r.Attributes ?? [], status, Text.Clean(r.ManagingUnit), Text.Clean(r.Source), Text.Clean(r.ExternalId))
            : null;
    }

    /// <summary>Copies the checked values (all but road class, geometry and source) onto <paramref name="r"/>.</summary>
    public void ApplyTo(RoadSegment r, string county, string? township, DateTimeOffset now)
    {
        r.Name = Name;
        r.SidewalkWidthM = SidewalkWidthM;
        r.CurbRampStart = CurbRampStart;
        r.CurbRampEnd = CurbRampEnd;
        r.TactilePaving = TactilePaving;
        r.Surface = Surface;
        r.Attributes = Attributes;
        r.Status = Status;
        r.ManagingUnit = ManagingUnit;
        r.ExternalId = ExternalId;
        r.DistrictCode = county;
        r.TownshipCode = township;
        r.UpdatedAt = now;
    }
}
