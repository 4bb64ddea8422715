using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Projects;

/// <summary>A planned facility checked: its kind applies to the project's type, its geometry lies in the project's district, its attributes as a facility's.</summary>
internal static class PlannedFacilityInput
{
    /// <summary>The checked kind, name, geometry and attributes; null with <paramref name="errors"/> filled when not acceptable.</summary>
    public static async Task<(string Kind, string Name, Geometry Geometry, JsonObject Attributes)?> ValidateAsync(
        NpgsqlConnection connection, ProjectRow project, PlannedFacilityRequest r, ProjectTypeCatalog types, FacilityKindCatalog kinds,
        FieldErrors errors, CancellationToken ct)
    {
        FacilityKind? kind = null;
        types.TryGet(project.ProjectType, out var type);
        if (string.IsNullOrWhiteSpace(r.Kind))
        {
            errors.Add("kind", "A facility kind is required.");
        }
        else if (!kinds.TryGetPlannable(r.Kind, out kind))
        {
            errors.Add("kind", "Unknown facility kind '" + r.Kind + "'; see /api/v1/facility-kinds.");
        }
        else if (type is not null && !type.Applies(r.Kind))
        {
            errors.Add("kind", $"A {r.Kind} does not apply to a {project.ProjectType} project; expected one of {string.Join(", ", type.Kinds.Select(k => k.Kind))} (data/project-types.json).");
            kind = null;
        }

        var name = r.Name?.Trim();
        Text.Require(errors, "name", name, 200);
        var geometry = ProjectInput.ReadGeometry(r.Geometry, r.Crs, errors);
        if (kind is not null)
        {
            if (geometry is not null)
            {
                errors.AddRange(FacilityKindCatalog.ValidateGeometryType(kind, geometry.GeometryType));
            }

            errors.AddRange(FacilityKindCatalog.Validate(kind, r.Attributes));
        }

        if (geometry is null || !errors.IsEmpty)
        {
            return null;
        }

        if (await DistrictPlacement.PlaceAsync(connection, geometry, project.DistrictCode, errors, ct, "geometry", "geometry") is null)
        {
            return null;
        }

        return (kind!.Code, name!, geometry, r.Attributes ?? []);
    }
}
