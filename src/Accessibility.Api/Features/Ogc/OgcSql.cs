using System.Text;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

namespace Accessibility.Api.Features.Ogc;

/// <summary>
/// Every SQL statement of OGC API – Features, and the layers it serves. As in
/// pg_featureserv, each Feature is built in PostGIS (<c>ST_AsGeoJSON</c>, <c>json_build_object</c>),
/// the bbox becomes <c>ST_MakeEnvelope(…, 4490)</c> in the stored SRID so the GiST index is used,
/// pages are keyset pages (<c>WHERE id &gt; @after ORDER BY id LIMIT n</c>, never OFFSET), and
/// only fixed SQL fragments are concatenated: every value is a parameter.
/// </summary>
public static class OgcSql
{
    /// <summary>Stored SRID of every layer: CGCS2000.</summary>
    public const int StorageSrid = 4490;

    private const string FacilityProperties = """
        'id', t.id, 'kind', t.kind, 'name', t.name, 'status', t.status,
        'managingUnit', t.managing_unit, 'districtCode', t.district_code, 'townshipCode', t.township_code,
        'source', t.source, 'externalId', t.external_id, 'attributes', t.attributes,
        'createdAt', t.created_at, 'updatedAt', t.updated_at, 'inspectionState', {inspectionState}
        """;

    /// <summary>Inspection state of facility <c>t</c> (the list's <c>inspectionState</c>).</summary>
    private static readonly string FacilityInspectionState = Inspections.InspectionSql.InspectionStateOf("t");

    private static OgcQueryable[] FacilityQueryables(FacilityKindCatalog catalog) =>
    [
        new("id", "t.id", "integer") { Title = "Id", Role = "id" },
        new("name", "t.name", "string") { Title = "Name 名称" },
        new("kind", "t.kind", "string") { Title = "Kind 类型", Enum = catalog.Kinds.Select(k => k.Code).ToArray() },
        new("status", "t.status", "string") { Title = "Status 状态", Enum = catalog.Statuses.Select(k => k.Code).ToArray() },
        new("inspectionState", FacilityInspectionState, "string") { Title = "Inspection state 检查状态", Enum = Inspections.InspectionSql.States },
        new("districtCode", "t.district_code", "string") { Title = "County code 县级区划代码" },
        new("townshipCode", "t.township_code", "string") { Title = "Township code 乡级区划代码" },
        new("managingUnit", "t.managing_unit", "string") { Title = "Managing unit 管理责任单位" },
        new("source", "t.source", "string") { Title = "Source 来源" },
        new("externalId", "t.external_id", "string") { Title = "External id 外部编号" },
        new("updatedAt", "t.updated_at", "string") { Title = "Updated 更新时间", Format = "date-time", Role = "primary-instant" },
    ];

    /// <summary>
    /// The public layers, in the order <c>/ogc/collections</c> lists them: all facilities, one
    /// collection per facility kind of <paramref name="catalog"/>, road segments, districts
    /// that have a boundary, open defects and public reports (without contact data). Household records
    /// (renovation cases) are never a layer here.
    /// </summary>
    /// <remarks>
    /// Extension point: a new public layer is one more <see cref="OgcLayer"/> appended here, with its table, its
    /// properties as a <c>json_build_object</c> fragment on alias <c>t</c>, its simple queryables and its time column;
    /// and a line in <see cref="Sharing.SharedLayers.OgcCollection"/> for API keys.
    /// </remarks>
    public static IReadOnlyList<OgcLayer> Layers(FacilityKindCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var layers = new List<OgcLayer>
        {
            new(
                Id: "facilities",
                Title: "无障碍设施 Accessible facilities",
                Description: "Every barrier-free facility of every kind (points; tactile paving as lines).",
                Table: "facilities",
                IdColumn: "t.id",
                NumericId: true,
                GeometryColumn: "t.geometry",
                GeometryType: "Geometry",
                Precision: 7,
                BaseFilter: "t.deleted_at IS NULL",
                FixedKind: null,
                Properties: FacilityProperties.Replace("{inspectionState}", FacilityInspectionState, StringComparison.Ordinal),
                Queryables: FacilityQueryables(catalog),
                TimeColumn: "t.updated_at",
                DistrictFilter: CountyOrTownship)
            {
                // Mixed: declared in the collection metadata, so a client need not guess from the first page.
                GeometryTypes = catalog.Kinds.Select(k => k.Geometry).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            },
        };

        foreach (var kind in catalog.Kinds)
        {
            layers.Add(layers[0] with
            {
                Id = "facilities-" + kind.Code,
                Title = kind.Names.Zh + " " + kind.Names.En,
                Description = "Facilities of kind " + kind.Code + ".",
                GeometryType = kind.Geometry,
                GeometryTypes = [kind.Geometry],
                FixedKind = kind.Code,
                Queryables = layers[0].Queryables.Where(q => q.Name != "kind").ToArray(),
            });
        }

        layers.Add(new(
            Id: "road-segments",
            Title: "道路 Road segments",
            Description: "Street and sidewalk segments with sidewalk width, curb ramps at both ends and tactile paving; lengthM is geodesic.",
            Table: "road_segments",
            IdColumn: "t.id",
            NumericId: true,
            GeometryColumn: "t.geometry",
            GeometryType: "LineString",
            Precision: 7,
            BaseFilter: "t.deleted_at IS NULL",
            FixedKind: null,
            Properties: """
                'id', t.id, 'name', t.name, 'roadClass', t.road_class, 'sidewalkWidthM', t.sidewalk_width_m,
                'curbRampStart', t.curb_ramp_start, 'curbRampEnd', t.curb_ramp_end, 'tactilePaving', t.tactile_paving,
                'surface', t.surface, 'attributes', t.attributes, 'status', t.status, 'managingUnit', t.managing_unit,
                'districtCode', t.district_code, 'townshipCode', t.township_code, 'source', t.source,
                'externalId', t.external_id, 'lengthM', round(ST_Length(t.geometry::geography)::numeric, 2),
                'createdAt', t.created_at, 'updatedAt', t.updated_at
                """,
            Queryables:
            [
                new("id", "t.id", "integer") { Title = "Id", Role = "id" },
                new("name", "t.name", "string") { Title = "Name 名称" },
                new("roadClass", "t.road_class", "string") { Enum = catalog.RoadClasses.Select(c => c.Code).ToArray() },
                new("status", "t.status", "string") { Enum = catalog.Statuses.Select(c => c.Code).ToArray() },
                new("sidewalkWidthM", "t.sidewalk_width_m", "number") { Title = "Sidewalk width (m) 人行道宽度" },
                new("managingUnit", "t.managing_unit", "string"),
                new("updatedAt", "t.updated_at", "string") { Format = "date-time", Role = "primary-instant" },
                new("tactilePaving", "t.tactile_paving", "string"),
                new("curbRampStart", "t.curb_ramp_start", "boolean"),
                new("curbRampEnd", "t.curb_ramp_end", "boolean"),
                new("surface", "t.surface", "string"),
                new("districtCode", "t.district_code", "string"),
                new("townshipCode", "t.township_code", "string"),
                new("source", "t.source", "string"),
            ],
            TimeColumn: "t.updated_at",
            DistrictFilter: CountyOrTownship));

        layers.Add(new(
            Id: "districts",
            Title: "行政区划 Districts",
            Description: "Administrative divisions (GB/T 2260) that have a boundary; the feature id is the code.",
            Table: "districts",
            IdColumn: "t.code",
            NumericId: false,
            GeometryColumn: "t.boundary",
            GeometryType: "MultiPolygon",
            Precision: 6,
            BaseFilter: "t.boundary IS NOT NULL",
            FixedKind: null,
            Properties: """
                'code', t.code, 'name', t.name, 'level', 
                """ + LevelName + """
                , 'parentCode', t.parent_code,
                'population', t.population, 'disabledPopulation', t.disabled_population,
                'boundaryApproximate', t.boundary_approximate, 'boundarySource', t.boundary_source,
                'areaKm2', round((ST_Area(t.boundary::geography) / 1e6)::numeric, 3)
                """,
            Queryables:
            [
                new("code", "t.code", "string") { Role = "id" },
                new("level", LevelName, "string") { Enum = ["province", "prefecture", "county", "township"] },
                new("parentCode", "t.parent_code", "string"),
                new("name", "t.name", "string"),
                new("boundaryApproximate", "t.boundary_approximate", "boolean"),
            ],
            TimeColumn: null,
            DistrictFilter: "t.code LIKE @district")
        { KeyScopeColumn = null });

        layers.Add(new(
            Id: "open-defects",
            Title: "未关闭缺陷 Open defects",
            Description: "Defects found by inspections and not yet closed (open, assigned, fixed awaiting verification), at their facility; "
                + "overdue when open or assigned past the due date. No history, notes or people.",
            Table: "defects",
            IdColumn: "t.id",
            NumericId: true,
            GeometryColumn: "t.location",
            GeometryType: "Point",
            Precision: 7,
            BaseFilter: "t.status IN ('open', 'assigned', 'fixed')",
            FixedKind: null,
            Properties: """
                'id', t.id, 'facilityId', t.facility_id,
                'facilityName', (SELECT fx.name FROM facilities fx WHERE fx.id = t.facility_id),
                'facilityKind', (SELECT fx.kind FROM facilities fx WHERE fx.id = t.facility_id),
                'districtCode', t.district_code, 'item', t.item, 'severity', t.severity, 'status', t.status,
                'dueAt', t.due_at, 'overdue', (t.status IN ('open', 'assigned') AND t.due_at < now()),
                'managingUnit', t.managing_unit, 'createdAt', t.created_at, 'updatedAt', t.updated_at
                """,
            Queryables:
            [
                new("severity", "t.severity", "string"),
                new("status", "t.status", "string"),
                new("item", "t.item", "string"),
                new("districtCode", "t.district_code", "string"),
                new("managingUnit", "t.managing_unit", "string"),
            ],
            TimeColumn: "t.updated_at",
            DistrictFilter: "t.district_code LIKE @district"));

        layers.Add(new(
            Id: "public-reports",
            Title: "群众报告 Public reports",
            Description: "Problems reported by the public (Open311, the report page) as Open311 shows them: category, status (open/closed) and "
                + "state, notes, description, address, place, dates, photo, duplicates, \"me too\" count, linked facility and defect. "
                + "Never contact data, device or account ids. datetime filters on requestedAt.",
            Table: "reports",
            IdColumn: "t.id",
            NumericId: true,
            GeometryColumn: "t.location",
            GeometryType: "Point",
            Precision: 7,
            BaseFilter: "true",
            FixedKind: null,
            Properties: """
                'id', t.id, 'serviceCode', t.service_code, 'status',
                """ + Open311Status + """
                , 'state', t.status, 'statusNotes', t.status_notes,
                'description', t.description, 'address', t.address, 'districtCode', t.district_code, 'townshipCode', t.township_code,
                'requestedAt', t.requested_at, 'updatedAt', t.updated_at, 'closedAt', t.closed_at,
                'photoId', t.photo_id, 'mediaUrl', t.media_url, 'duplicateOf', t.duplicate_of_id,
                'duplicates', (SELECT count(*) FROM reports x WHERE x.duplicate_of_id = t.id), 'meToo', t.me_too_count,
                'facilityId', t.facility_id, 'defectId', t.defect_id
                """,
            Queryables:
            [
                new("serviceCode", "t.service_code", "string"),
                new("status", Open311Status, "string"),
                new("state", "t.status", "string"),
                new("districtCode", "t.district_code", "string"),
                new("townshipCode", "t.township_code", "string"),
            ],
            TimeColumn: "t.requested_at",
            DistrictFilter: CountyOrTownship)
        { TimeProperty = "requestedAt" });

        return layers;
    }

    /// <summary>Open311's two statuses of a report: closed when closed or rejected, otherwise open.</summary>
    private const string Open311Status = "(CASE WHEN t.status IN ('closed', 'rejected') THEN 'closed' ELSE 'open' END)";

    private const string CountyOrTownship = "(t.district_code LIKE @district OR t.township_code LIKE @district)";

    private const string LevelName =
        "(CASE t.level WHEN 1 THEN 'province' WHEN 2 THEN 'prefecture' WHEN 3 THEN 'county' ELSE 'township' END)";

    /// <summary>
    /// The Feature of one row, built by PostGIS: geometry in CRS84 (stored lon/lat), or with its
    /// axes swapped by <see href="https://postgis.net/docs/ST_FlipCoordinates.html">ST_FlipCoordinates</see>
    /// for a CRS whose axis order is latitude first (EPSG:4490).
    /// </summary>
    internal static string FeatureJson(OgcLayer layer, bool latitudeFirst)
    {
        // Valid at the layer's precision and right-hand (RFC 7946) before any axis swap: registry_output_geometry.
        var served = "registry_output_geometry(" + layer.GeometryColumn + ", " + layer.Precision.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
        var geometry = latitudeFirst ? "ST_FlipCoordinates(" + served + ")" : served;
        return "json_build_object('type', 'Feature', 'id', " + layer.IdColumn
            + ", 'geometry', ST_AsGeoJSON(" + geometry + ", " + layer.Precision.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + ", 0)::json, 'properties', json_build_object(" + layer.Properties + "))::text";
    }

    /// <summary>
    /// One page of <paramref name="layer"/>: rows matching <paramref name="query"/> with an id after
    /// <see cref="OgcItemsQuery.After"/>, ordered by id, at most <c>limit + 1</c> rows (the extra one
    /// only tells that a next page exists). Each row is (id as text, Feature as text), read as streamed.
    /// </summary>
    public static NpgsqlCommand PageCommand(NpgsqlConnection connection, OgcLayer layer, OgcItemsQuery query)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(query);
        var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder("SELECT ").Append(layer.IdColumn).Append("::text, ").Append(FeatureJson(layer, query.LatitudeFirst))
            .Append(" FROM ").Append(layer.Table).Append(" t WHERE ");
        AppendWhere(sql, command, layer, query);
        if (query.After is { } after)
        {
            sql.Append(" AND ").Append(layer.IdColumn).Append(" > @after");
            command.Parameters.AddWithValue("after", layer.NumericId ? long.Parse(after, System.Globalization.CultureInfo.InvariantCulture) : after);
        }

        sql.Append(" ORDER BY ").Append(layer.IdColumn).Append(" LIMIT @limit");
        command.Parameters.AddWithValue("limit", query.Limit + 1);
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>How many rows match <paramref name="query"/> (whatever the page): <c>numberMatched</c>.</summary>
    public static async Task<long> CountAsync(NpgsqlConnection connection, OgcLayer layer, OgcItemsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(layer);
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder("SELECT count(*) FROM ").Append(layer.Table).Append(" t WHERE ");
        AppendWhere(sql, command, layer, query);
        command.CommandText = sql.ToString();
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// One feature of <paramref name="layer"/> by id as a Feature (text) with the county it lies in (null for
    /// districts, which are reference data for API keys), or null.
    /// </summary>
    public static async Task<(string Json, string? DistrictCode)?> FeatureAsync(NpgsqlConnection connection, OgcLayer layer, string id, bool latitudeFirst, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(id);
        object key;
        if (layer.NumericId)
        {
            if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }

            key = n;
        }
        else
        {
            key = id;
        }

        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder("SELECT ").Append(FeatureJson(layer, latitudeFirst)).Append(", ").Append(layer.KeyScopeColumn ?? "NULL::text")
            .Append(" FROM ").Append(layer.Table)
            .Append(" t WHERE ").Append(layer.BaseFilter).Append(" AND ").Append(layer.IdColumn).Append(" = @id");
        if (layer.FixedKind is not null)
        {
            sql.Append(" AND t.kind = @fixedKind");
            command.Parameters.AddWithValue("fixedKind", layer.FixedKind);
        }

        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("id", key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    /// <summary>
    /// The spatial extent advertised for every collection: the union of county-level district
    /// boundaries, [minLon, minLat, maxLon, maxLat]. Every record lies in a registered county, so
    /// it holds them all, and it costs a scan of a few hundred rows instead of the facilities table.
    /// </summary>
    public static async Task<double[]?> ExtentAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
            FROM (SELECT ST_Extent(boundary)::geometry AS e FROM districts WHERE boundary IS NOT NULL) x
            WHERE e IS NOT NULL
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(ct) as double[];
    }

    private static void AppendWhere(StringBuilder sql, NpgsqlCommand command, OgcLayer layer, OgcItemsQuery query)
    {
        sql.Append(layer.BaseFilter);
        if (layer.FixedKind is not null)
        {
            sql.Append(" AND t.kind = @fixedKind");
            command.Parameters.AddWithValue("fixedKind", layer.FixedKind);
        }

        if (query.Bbox is { } b)
        {
            // CRS84 and CGCS2000 coincide to within a metre, so a lon/lat box is already in the stored SRID.
            sql.Append(" AND ").Append(layer.GeometryColumn).Append(" && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4490) AND ST_Intersects(")
                .Append(layer.GeometryColumn).Append(", ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4490))");
            command.Parameters.AddWithValue("minx", b.MinLon);
            command.Parameters.AddWithValue("miny", b.MinLat);
            command.Parameters.AddWithValue("maxx", b.MaxLon);
            command.Parameters.AddWithValue("maxy", b.MaxLat);
        }

        if (layer.KeyScopeColumn is { } scoped)
        {
            (query.Scope ?? ReadScope.Everything).AppendFilter(sql, command, scoped);
        }

        if (query.DistrictPrefix is { } prefix)
        {
            // Digits only (checked by the parser), so no LIKE wildcard can sneak in.
            sql.Append(" AND ").Append(layer.DistrictFilter);
            command.Parameters.AddWithValue("district", prefix + "%");
        }

        if (layer.TimeColumn is { } time)
        {
            if (query.Start is { } start)
            {
                sql.Append(" AND ").Append(time).Append(" >= @start");
                command.Parameters.AddWithValue("start", start.ToUniversalTime());
            }

            if (query.End is { } end)
            {
                sql.Append(" AND ").Append(time).Append(" <= @end");
                command.Parameters.AddWithValue("end", end.ToUniversalTime());
            }
        }

        if (query.Filter is { } filter)
        {
            Cql2Sql.Append(sql, command, layer, filter, query.FilterLatitudeFirst);
        }

        var i = 0;
        foreach (var (queryable, value) in query.Properties)
        {
            var name = "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sql.Append(" AND ").Append(queryable.Column).Append(" = @").Append(name);
            command.Parameters.AddWithValue(name, value);
            i++;
        }
    }
}

/// <summary>A layer served as an OGC collection. Every SQL member is a fixed fragment on alias <c>t</c>.</summary>
/// <param name="Id">Collection id in URLs.</param>
/// <param name="Title">Title, Chinese and English.</param>
/// <param name="Description">Description.</param>
/// <param name="Table">Table name.</param>
/// <param name="IdColumn">Feature id column (keyset order).</param>
/// <param name="NumericId">Whether the id is a bigint (else text).</param>
/// <param name="GeometryColumn">Geometry column, SRID 4490.</param>
/// <param name="GeometryType">OGC geometry type of every feature, or <c>Geometry</c> when mixed.</param>
/// <param name="Precision">Decimals of coordinates (7 ≈ 1 cm).</param>
/// <param name="BaseFilter">Condition every served row meets (not deleted, has a boundary).</param>
/// <param name="FixedKind">Facility kind the collection is restricted to, or null.</param>
/// <param name="Properties">Arguments of <c>json_build_object</c> for the properties.</param>
/// <param name="Queryables">Simple properties that can be filtered by equality.</param>
/// <param name="TimeColumn">Column <c>datetime</c> filters on, or null when the data have no time.</param>
/// <param name="DistrictFilter">Condition on <c>@district</c> (a code prefix with <c>%</c>) for the <c>district</c> parameter.</param>
public sealed record OgcLayer(
    string Id,
    string Title,
    string Description,
    string Table,
    string IdColumn,
    bool NumericId,
    string GeometryColumn,
    string GeometryType,
    int Precision,
    string BaseFilter,
    string? FixedKind,
    string Properties,
    IReadOnlyList<OgcQueryable> Queryables,
    string? TimeColumn,
    string DistrictFilter)
{
    /// <summary>
    /// The GeoJSON geometry types the layer's features have: one for most layers, several for a mixed layer
    /// (<c>facilities</c>: Point and LineString). Served as <c>geometryTypes</c> in the collection metadata.
    /// </summary>
    public IReadOnlyList<string> GeometryTypes { get; init; } = [GeometryType];

    /// <summary>The property <see cref="TimeColumn"/> is served as.</summary>
    public string TimeProperty { get; init; } = "updatedAt";

    /// <summary>Column with the county code that limits an API key to its districts; null for reference data (districts).</summary>
    public string? KeyScopeColumn { get; init; } = "t.district_code";
}

/// <summary>
/// A queryable: a property that can be filtered on by equality (<c>?status=operational</c>) and in a CQL2 <c>filter</c>,
/// described in <c>/collections/{id}/queryables</c>.
/// </summary>
/// <param name="Name">Property and query parameter name.</param>
/// <param name="Column">SQL expression on alias <c>t</c>.</param>
/// <param name="Type">JSON Schema type: string, integer, number or boolean.</param>
public sealed record OgcQueryable(string Name, string Column, string Type)
{
    /// <summary>JSON Schema format (<c>date-time</c>), or null.</summary>
    public string? Format { get; init; }

    /// <summary>The values a coded property takes, or null.</summary>
    public IReadOnlyList<string>? Enum { get; init; }

    /// <summary>A human title.</summary>
    public string? Title { get; init; }

    /// <summary>OGC role (<c>id</c>, <c>primary-instant</c>), or null.</summary>
    public string? Role { get; init; }
}
