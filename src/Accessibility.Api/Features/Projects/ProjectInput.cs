using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Projects;

/// <summary>A project registration or replacement checked: the one validation the API and the staff pages share.</summary>
internal static class ProjectInput
{
    /// <summary>Checks <paramref name="r"/> and places its geometry; null with <paramref name="errors"/> filled when not acceptable.</summary>
    public static async Task<ProjectSql.ProjectFields?> ValidateAsync(
        NpgsqlConnection connection, ProjectRequest r, ProjectTypeCatalog types, FieldErrors errors, CancellationToken ct)
    {
        var name = r.Name?.Trim();
        Text.Require(errors, "name", name, 200);
        var builder = r.Builder?.Trim();
        Text.Require(errors, "builder", builder, 200);
        Text.Optional(errors, "description", r.Description, 4000);
        if (string.IsNullOrWhiteSpace(r.ProjectType))
        {
            errors.Add("projectType", "A project type is required: " + string.Join(", ", types.Types.Select(t => t.Code)) + ".");
        }
        else if (!types.TryGet(r.ProjectType, out _))
        {
            errors.Add("projectType", "Unknown project type '" + r.ProjectType + "'; expected one of " + string.Join(", ", types.Types.Select(t => t.Code)) + ".");
        }

        if (string.IsNullOrWhiteSpace(r.Works))
        {
            errors.Add("works", "Say whether the works are new or an alteration: new, alteration.");
        }
        else if (!ProjectWorks.All.Contains(r.Works, StringComparer.Ordinal))
        {
            errors.Add("works", "Expected new or alteration.");
        }

        if (r.PlannedCompletion is { } completion && (completion.Year < 2000 || completion.Year > 2100))
        {
            errors.Add("plannedCompletion", "Expected a date between 2000 and 2100.");
        }

        var geometry = ReadGeometry(r.Geometry, r.Crs, errors);
        if (geometry is not null && geometry.OgcGeometryType is not (OgcGeometryType.Point or OgcGeometryType.LineString or OgcGeometryType.Polygon
            or OgcGeometryType.MultiPoint or OgcGeometryType.MultiLineString or OgcGeometryType.MultiPolygon))
        {
            errors.Add("geometry", "Expected the project's footprint (Polygon), line (LineString) or point, not a " + geometry.GeometryType + ".");
            geometry = null;
        }

        if (geometry is null || !errors.IsEmpty)
        {
            return null;
        }

        if (await DistrictPlacement.PlaceAsync(connection, geometry, r.DistrictCode, errors, ct) is not { } placed)
        {
            return null;
        }

        return new ProjectSql.ProjectFields(name!, builder!, r.ProjectType!, r.Works!, placed.County, placed.Township, geometry,
            Text.Clean(r.Description), r.PlannedCompletion);
    }

    /// <summary>A GeoJSON geometry in the declared CRS, converted to CGCS2000; errors name <c>crs</c> or <paramref name="field"/>.</summary>
    public static Geometry? ReadGeometry(System.Text.Json.Nodes.JsonNode? node, string? crsName, FieldErrors errors, string field = "geometry")
    {
        if (!InputCrsParser.TryParse(crsName, out var crs))
        {
            errors.Add("crs", "Unknown CRS '" + crsName + "'; expected WGS84, CGCS2000, GCJ02 or BD09.");
            return null;
        }

        return JsonBody.ReadGeometry(node, crs, field, errors);
    }
}
