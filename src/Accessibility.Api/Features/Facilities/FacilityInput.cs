using System.Text.Json.Nodes;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Facilities;

/// <summary>A facility create or update, checked against the kind catalog: the one validation the API and the staff pages share.</summary>
internal sealed record FacilityInput(
    string Kind, string Name, Geometry Geometry, JsonObject Attributes, string Status, string? ManagingUnit, string? Source, string? ExternalId)
{
    /// <summary>The write flow of facilities (audit entity type, Feature built in PostGIS).</summary>
    public static readonly GeoRecordWrites<Facility> Writes = new(FacilityEndpoints.AuditEntityType, FacilitySql.FeatureByIdAsync);

    /// <summary>Checks a request against the kind catalog; null with <paramref name="errors"/> filled when it is not acceptable.</summary>
    public static FacilityInput? Validate(FacilityRequest r, FacilityKindCatalog catalog, FieldErrors errors)
    {
        var kindKnown = false;
        if (string.IsNullOrWhiteSpace(r.Kind))
        {
            errors.Add("kind", "A facility kind is required.");
        }
        else if (!catalog.TryGet(r.Kind, out _))
        {
            errors.Add("kind", "Unknown facility kind '" + r.Kind + "'; see /api/v1/facility-kinds.");
        }
        else
        {
            kindKnown = true;
        }

        var name = r.Name?.Trim();
        Text.Require(errors, "name", name, 200);
        var status = Statuses.Check(catalog, r.Status, errors);

        Text.Optional(errors, "managingUnit", r.ManagingUnit, 200);
        Text.Optional(errors, "source", r.Source, 40);
        Text.Optional(errors, "externalId", r.ExternalId, 100);

        Geometry? geometry = null;
        if (!InputCrsParser.TryParse(r.Crs, out var crs))
        {
            errors.Add("crs", "Unknown CRS '" + r.Crs + "'; expected WGS84, CGCS2000, GCJ02 or BD09.");
        }
        else
        {
            geometry = JsonBody.ReadGeometry(r.Geometry, crs, "geometry", errors);
        }

        if (kindKnown)
        {
            if (geometry is not null && catalog.TryGet(r.Kind!, out var kind))
            {
                errors.AddRange(FacilityKindCatalog.ValidateGeometryType(kind, geometry.GeometryType));
            }

            errors.AddRange(catalog.Validate(r.Kind!, r.Attributes));
        }

        return errors.IsEmpty
            ? new FacilityInput(r.Kind!, name!, geometry!, r.Attributes ?? [], status, Text.Clean(r.ManagingUnit), Text.Clean(r.Source), Text.Clean(r.ExternalId))
            : null;
    }

    /// <summary>Copies the checked values (all but kind, name, geometry, status and source) onto <paramref name="f"/>.</summary>
    public void ApplyTo(Facility f, string county, string? township, DateTimeOffset now)
    {
        f.Attributes = Attributes;
        f.ManagingUnit = ManagingUnit;
        f.ExternalId = ExternalId;
        f.DistrictCode = county;
        f.TownshipCode = township;
        f.UpdatedAt = now;
    }
}
