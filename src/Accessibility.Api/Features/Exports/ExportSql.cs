using System.Text;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Roads;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Exports;

/// <summary>
/// Every SQL statement of the exports: one streamed query per layer and format, with the same
/// filters as the list endpoints (<see cref="FacilitySql.AppendFilters"/>: bbox in the stored SRID,
/// district prefix, kind or road class, status; districts by parent, level and name; inspections by facility
/// and district; defects by <see cref="DefectSql.AppendFilter"/>) and no page: rows are read one by one from
/// the reader and written out as they come.
/// </summary>
public static class ExportSql
{
    /// <summary>The exportable layers by URL name.</summary>
    public static readonly IReadOnlyDictionary<string, ExportLayer> Layers = new Dictionary<string, ExportLayer>(StringComparer.Ordinal)
    {
        ["facilities"] = new(
            "facilities", "facilities", "f", "f.geometry", "f.deleted_at IS NULL", "f.id", FacilitySql.FeatureJson,
            [
                new("id", "id", "f.id", ExportType.Int64),
                new("kind", "kind", "f.kind", ExportType.Text, 40),
                new("name", "name", "f.name", ExportType.Text, 254),
                new("status", "status", "f.status", ExportType.Text, 30),
                new("managing_unit", "manager", "f.managing_unit", ExportType.Text, 254),
                new("district_code", "district", "f.district_code", ExportType.Text, 12),
                new("township_code", "township", "f.township_code", ExportType.Text, 12),
                new("source", "source", "f.source", ExportType.Text, 40),
                new("external_id", "extern_id", "f.external_id", ExportType.Text, 100),
                new("attributes", "attrs", "f.attributes::text", ExportType.Attributes),
                new("created_at", "created", "f.created_at", ExportType.Timestamp, 20),
                new("updated_at", "updated", "f.updated_at", ExportType.Timestamp, 20),
            ]),
        ["roads"] = new(
            "roads", "road_segments", "r", "r.geometry", "r.deleted_at IS NULL", "r.id", RoadSql.FeatureJson,
            [
                new("id", "id", "r.id", ExportType.Int64),
                new("name", "name", "r.name", ExportType.Text, 254),
                new("road_class", "road_class", "r.road_class", ExportType.Text, 30),
                new("sidewalk_width_m", "sw_width_m", "r.sidewalk_width_m", ExportType.Double),
                new("curb_ramp_start", "ramp_start", "r.curb_ramp_start", ExportType.Boolean),
                new("curb_ramp_end", "ramp_end", "r.curb_ramp_end", ExportType.Boolean),
                new("tactile_paving", "tactile", "r.tactile_paving", ExportType.Text, 20),
                new("surface", "surface", "r.surface", ExportType.Text, 40),
                new("status", "status", "r.status", ExportType.Text, 30),
                new("managing_unit", "manager", "r.managing_unit", ExportType.Text, 254),
                new("district_code", "district", "r.district_code", ExportType.Text, 12),
                new("township_code", "township", "r.township_code", ExportType.Text, 12),
                new("source", "source", "r.source", ExportType.Text, 40),
                new("external_id", "extern_id", "r.external_id", ExportType.Text, 100),
                new("length_m", "length_m", "round(ST_Length(r.geometry::geography)::numeric, 2)::float8", ExportType.Double),
                new("attributes", "attrs", "r.attributes::text", ExportType.Text, 254),
                new("created_at", "created", "r.created_at", ExportType.Timestamp, 20),
                new("updated_at", "updated", "r.updated_at", ExportType.Timestamp, 20),
            ]),
        ["districts"] = new(
            "districts", "districts", "d", "d.boundary", "d.boundary IS NOT NULL", "d.code", DistrictFeatureJson,
            [
                new("code", "code", "d.code", ExportType.Text, 12),
                new("name", "name", "d.name", ExportType.Text, 100),
                new("level", "level", LevelName, ExportType.Text, 12),
                new("parent_code", "parent", "d.parent_code", ExportType.Text, 12),
                new("population", "population", "d.population", ExportType.Int32),
                new("disabled_population", "disabled", "d.disabled_population", ExportType.Int32),
                new("boundary_approximate", "approx", "d.boundary_approximate", ExportType.Boolean),
                new("area_km2", "area_km2", "round((ST_Area(d.boundary::geography) / 1e6)::numeric, 3)::float8", ExportType.Double),
            ]),
    };

    /// <summary>
    /// Inspections and defects: records of district staff, exported only to district administrators (their districts),
    /// system administrators and API keys with the layer; each at its facility (a point on it).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, ExportLayer> RecordLayers = new Dictionary<string, ExportLayer>(StringComparer.Ordinal)
    {
        ["inspections"] = new(
            "inspections", "inspections", "i", "ST_PointOnSurface(f.geometry)", "true", "i.inspected_at DESC, i.id DESC",
            "json_build_object('type', 'Feature', 'id', i.id, 'geometry', ST_AsGeoJSON(registry_output_geometry(ST_PointOnSurface(f.geometry), 7), 7)::json, 'properties', "
                + InspectionSql.InspectionJson + ")",
            [
                new("id", "id", "i.id", ExportType.Int64),
                new("facility_id", "facility", "i.facility_id", ExportType.Int64),
                new("facility_kind", "fac_kind", "f.kind", ExportType.Text, 40),
                new("facility_name", "fac_name", "f.name", ExportType.Text, 254),
                new("district_code", "district", "i.district_code", ExportType.Text, 12),
                new("township_code", "township", "f.township_code", ExportType.Text, 12),
                new("inspected_at", "inspected", "i.inspected_at", ExportType.Timestamp, 20),
                new("inspector", "inspector", "i.inspector_name", ExportType.Text, 100),
                new("result", "result", "i.result", ExportType.Text, 20),
                new("facility_status", "fac_status", "i.facility_status", ExportType.Text, 30),
                new("failed_items", "failed", FailedItems, ExportType.Text, 254),
                new("defects", "defects", "(SELECT count(*) FROM defects dx WHERE dx.inspection_id = i.id)::int", ExportType.Int32),
                new("photos", "photos", "cardinality(i.photo_ids)", ExportType.Int32),
                new("note", "note", "i.note", ExportType.Text, 254),
                new("source", "source", "i.source", ExportType.Text, 40),
                new("answers", "answers", "i.answers::text", ExportType.Text, 254),
                new("created_at", "created", "i.created_at", ExportType.Timestamp, 20),
            ])
        {
            Join = " JOIN facilities f ON f.id = i.facility_id",
        },
        ["defects"] = new(
            "defects", "defects", "d", "d.location", "true", "d.due_at, d.id",
            "json_build_object('type', 'Feature', 'id', d.id, 'geometry', ST_AsGeoJSON(registry_output_geometry(d.location, 7), 7)::json, 'properties', " + DefectSql.DefectJson + ")",
            [
                new("id", "id", "d.id", ExportType.Int64),
                new("facility_id", "facility", "d.facility_id", ExportType.Int64),
                new("facility_kind", "fac_kind", "f.kind", ExportType.Text, 40),
                new("facility_name", "fac_name", "f.name", ExportType.Text, 254),
                new("district_code", "district", "d.district_code", ExportType.Text, 12),
                new("township_code", "township", "f.township_code", ExportType.Text, 12),
                new("inspection_id", "inspection", "d.inspection_id", ExportType.Int64),
                new("item", "item", "d.item", ExportType.Text, 60),
                new("severity", "severity", "d.severity", ExportType.Text, 20),
                new("status", "status", "d.status", ExportType.Text, 20),
                new("overdue", "overdue", "(d.status IN ('open', 'assigned') AND d.due_at < now())", ExportType.Boolean),
                new("due_at", "due", "d.due_at", ExportType.Timestamp, 20),
                new("managing_unit", "manager", "d.managing_unit", ExportType.Text, 254),
                new("created_at", "created", "d.created_at", ExportType.Timestamp, 20),
                new("updated_at", "updated", "d.updated_at", ExportType.Timestamp, 20),
                new("closed_at", "closed", "d.closed_at", ExportType.Timestamp, 20),
            ])
        {
            Join = " JOIN facilities f ON f.id = d.facility_id",
        },
    };

    /// <summary>Checklist items an inspection failed, in answer order, separated by <c>;</c>.</summary>
    private const string FailedItems =
        "(SELECT string_agg(a.value->>'item', ';' ORDER BY a.ordinality) FROM jsonb_array_elements(i.answers) WITH ORDINALITY a WHERE a.value->>'verdict' = 'fail')";

    private const string LevelName = "(CASE d.level WHEN 1 THEN 'province' WHEN 2 THEN 'prefecture' WHEN 3 THEN 'county' ELSE 'township' END)";

    private const string DistrictFeatureJson = """
        json_build_object(
          'type', 'Feature',
          'id', d.code,
          'geometry', ST_AsGeoJSON(registry_output_geometry(d.boundary, 6), 6)::json,
          'properties', json_build_object(
            'code', d.code, 'name', d.name, 'level', 
        """ + LevelName + """
        , 'parentCode', d.parent_code,
            'population', d.population, 'disabledPopulation', d.disabled_population,
            'boundaryApproximate', d.boundary_approximate,
            'areaKm2', round((ST_Area(d.boundary::geography) / 1e6)::numeric, 3)))
        """;

    /// <summary>
    /// The rows of <paramref name="layer"/> matching <paramref name="filter"/>, ordered by id: for GeoJSON one column,
    /// the Feature built by PostGIS; otherwise the layer's columns, then longitude and latitude of a point on the
    /// geometry (<see href="https://postgis.net/docs/ST_PointOnSurface.html">ST_PointOnSurface</see>, the point itself
    /// for a point), then the geometry as WKT (CSV, 7 decimals) or as a geometry (shapefile).
    /// </summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, ExportLayer layer, ExportFilter filter, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(filter);
        var command = new NpgsqlCommand { Connection = connection, CommandTimeout = 600 };
        var a = layer.Alias;
        var sql = new StringBuilder("SELECT ");
        if (format == ExportFormat.GeoJson)
        {
            sql.Append(layer.FeatureJson).Append("::text");
        }
        else
        {
            foreach (var column in layer.Columns)
            {
                sql.Append(column.Sql).Append(", ");
            }

            sql.Append("ST_X(ST_PointOnSurface(").Append(layer.Geometry).Append(")), ST_Y(ST_PointOnSurface(").Append(layer.Geometry).Append(")), ");
            sql.Append(format switch
            {
                ExportFormat.Csv => "ST_AsText(registry_output_geometry(" + layer.Geometry + ", 7), 7)",
                ExportFormat.A11yJson => "NULL::text", // PlaceInfo is a point: the point on the geometry is enough
                _ => layer.Geometry,
            });
        }

        sql.Append(" FROM ").Append(layer.Table).Append(' ').Append(a).Append(layer.Join).Append(" WHERE ").Append(layer.BaseFilter);
        if (filter.Features is { } features)
        {
            FacilitySql.AppendFilters(sql, command, features, a, layer.Name == "roads" ? "road_class" : "kind");
        }

        if (filter.Inspections is { } inspections)
        {
            if (inspections.FacilityId is { } facility)
            {
                sql.Append(" AND i.facility_id = @facility");
                command.Parameters.AddWithValue("facility", facility);
            }

            if (inspections.DistrictPrefix is { } prefix)
            {
                // Digits only (checked by the parser): no LIKE wildcard can sneak in.
                sql.Append(" AND (i.district_code LIKE @district OR f.township_code LIKE @district)");
                command.Parameters.AddWithValue("district", prefix + "%");
            }
        }

        if (filter.Defects is { } defects)
        {
            DefectSql.AppendFilter(sql, command, defects);
        }

        if (filter.Inspections is not null || filter.Defects is not null)
        {
            // Record exports go to administrators and API keys with the layer only (AccessRules, export row): staff named.
            command.Parameters.AddWithValue("staff_names", true);
        }

        if (filter.RecordScope is { } scope)
        {
            // The caller's districts: an API key's, or a district administrator's (who may be scoped to a township).
            sql.Append(" AND (").Append(a).Append(".district_code LIKE ANY(@record_scope) OR f.township_code LIKE ANY(@record_scope))");
            command.Parameters.Add(new NpgsqlParameter("record_scope", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = scope });
        }

        if (filter.ParentCode is { } parent)
        {
            sql.Append(" AND d.parent_code = @parent");
            command.Parameters.AddWithValue("parent", parent);
        }

        if (filter.Level is { } level)
        {
            sql.Append(" AND d.level = @level");
            command.Parameters.Add(new NpgsqlParameter("level", NpgsqlDbType.Smallint) { Value = (short)level });
        }

        if (filter.NameContains is { } q)
        {
            sql.Append(" AND strpos(d.name, @q) > 0");
            command.Parameters.AddWithValue("q", q);
        }

        sql.Append(" ORDER BY ").Append(layer.OrderBy);
        command.CommandText = sql.ToString();
        return command;
    }
}

/// <summary>How a column is read and written.</summary>
public enum ExportType
{
    /// <summary>Text (DBF character field).</summary>
    Text,

    /// <summary>64-bit integer.</summary>
    Int64,

    /// <summary>32-bit integer.</summary>
    Int32,

    /// <summary>Floating point.</summary>
    Double,

    /// <summary>Boolean (DBF logical field).</summary>
    Boolean,

    /// <summary>Timestamp with time zone, written in UTC as ISO 8601.</summary>
    Timestamp,

    /// <summary>
    /// A facility's attributes as JSON text: whole in CSV; in a Shapefile, typed columns per kind (<see cref="ShapefileLayout"/>).
    /// </summary>
    Attributes,
}

/// <summary>Export file formats.</summary>
public enum ExportFormat
{
    /// <summary>RFC 7946 FeatureCollection.</summary>
    GeoJson,

    /// <summary>UTF-8 CSV with BOM.</summary>
    Csv,

    /// <summary>Zipped ESRI Shapefile.</summary>
    Shapefile,

    /// <summary>A11yJSON PlaceInfo features (<see cref="A11yJsonExport"/>).</summary>
    A11yJson,
}

/// <summary>One attribute column of an export.</summary>
/// <param name="Name">CSV header.</param>
/// <param name="DbfName">DBF field name (at most 10 ASCII characters).</param>
/// <param name="Sql">SQL expression on the layer's alias.</param>
/// <param name="Type">Value type.</param>
/// <param name="Width">DBF character width in bytes (at most 254), for text; a longer value goes to the overflow table.</param>
public sealed record ExportColumn(string Name, string DbfName, string Sql, ExportType Type, int Width = 0);

/// <summary>An exportable layer: fixed SQL fragments only.</summary>
/// <param name="Name">URL name and file name.</param>
/// <param name="Table">Table.</param>
/// <param name="Alias">Table alias the fragments use.</param>
/// <param name="Geometry">Geometry column (SRID 4490).</param>
/// <param name="BaseFilter">Rows every export is limited to.</param>
/// <param name="OrderBy">Stable order.</param>
/// <param name="FeatureJson">GeoJSON Feature expression.</param>
/// <param name="Columns">Attribute columns, in order.</param>
public sealed record ExportLayer(
    string Name, string Table, string Alias, string Geometry, string BaseFilter, string OrderBy, string FeatureJson, IReadOnlyList<ExportColumn> Columns)
{
    /// <summary>A join after the table (inspections and defects: their facility as <c>f</c>), or empty.</summary>
    public string Join { get; init; } = "";
}

/// <summary>The filters of an export: the list filters of facilities or roads, or those of districts.</summary>
/// <param name="Features">Facility or road filters (paging ignored), or null for districts.</param>
/// <param name="ParentCode">Districts: parent code.</param>
/// <param name="Level">Districts: level.</param>
/// <param name="NameContains">Districts: name fragment.</param>
/// <param name="Inspections">Inspections: the list filters.</param>
/// <param name="Defects">Defects: the list filters.</param>
/// <param name="RecordScope">Inspections and defects: LIKE patterns of the caller's districts, or null for every district.</param>
public sealed record ExportFilter(
    FeatureQuery? Features, string? ParentCode, DistrictLevel? Level, string? NameContains,
    InspectionExportFilter? Inspections = null, DefectFilter? Defects = null, string[]? RecordScope = null);

/// <summary>The list filters of inspections.</summary>
/// <param name="FacilityId">Facility.</param>
/// <param name="DistrictPrefix">District code prefix (a county's or a township's).</param>
public sealed record InspectionExportFilter(long? FacilityId, string? DistrictPrefix);
