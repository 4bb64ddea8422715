using System.Text;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// Every SQL statement of the facilities feature. GeoJSON is built in PostGIS
/// (<see href="https://postgis.net/docs/ST_AsGeoJSON.html">ST_AsGeoJSON</see>,
/// <c>json_build_object</c>, <c>json_agg</c>) and handed to the client as it comes; values
/// are always parameters, only fixed SQL fragments are ever concatenated.
/// </summary>
public static class FacilitySql
{
    /// <summary>
    /// One facility row as a GeoJSON Feature (RFC 7946: lon/lat, at most 7 decimals ≈ 1 cm,
    /// no <c>crs</c> member). <c>f</c> is the <c>facilities</c> row alias. The version is the row's
    /// <c>xmin</c>, the optimistic-concurrency token. The inspection properties (state, last inspection, open
    /// defects) come from the inspections feature's SQL.
    /// </summary>
    internal static readonly string FeatureJson = Feature(InspectionSql.InspectionState, InspectionSql.LastInspectedAt, InspectionSql.LastInspectionResult);

    /// <summary>
    /// <see cref="FeatureJson"/> with the inspection state, the last inspection's time and its result from the row
    /// <c>fst</c> of <c>facility_state</c> joined once (<see cref="KeptState"/>; kept by triggers in the writing transaction,
    /// migration FacilityCellsToStreetZoom): one index probe per facility instead of three, for pages of many.
    /// </summary>
    private static readonly string ListFeatureJson = Feature(InspectionSql.StateOfDue("fst.due_at"), "fst.last_inspected_at", "fst.last_result");

    /// <summary>
    /// The kept inspection state of facility <c>f</c> as the row <c>fst</c>, for <see cref="ListFeatureJson"/>: a lateral
    /// lookup by primary key (the LIMIT keeps the planner from flattening it into a hash join, which read every row of
    /// facility_state for a page of 1,000: 120–170 ms against 37–62 ms at 200 k, bench/README.md).
    /// </summary>
    private const string KeptState =
        " LEFT JOIN LATERAL (SELECT s.due_at, s.last_inspected_at, s.last_result FROM facility_state s WHERE s.facility_id = f.id LIMIT 1) fst ON true";

    private static string Feature(string inspectionState, string lastInspectedAt, string lastInspectionResult) => """
        json_build_object(
          'type', 'Feature',
          'id', f.id,
          'geometry', ST_AsGeoJSON(registry_output_geometry(f.geometry, 7), 7, 0)::json,
          'properties', json_build_object(
            'id', f.id,
            'kind', f.kind,
            'name', f.name,
            'status', f.status,
            'managingUnit', f.managing_unit,
            'districtCode', f.district_code,
            'townshipCode', f.township_code,
            'source', f.source,
            'externalId', f.external_id,
            'attributes', f.attributes,
            'version', f.xmin::text::bigint,
            'createdAt', f.created_at,
            'updatedAt', f.updated_at,
        """ + "'inspectionState', " + inspectionState
        + ", 'lastInspectedAt', " + lastInspectedAt
        + ", 'lastInspectionResult', " + lastInspectionResult
        + ", 'openDefectCount', " + DefectSql.OpenDefectCountOfFacility + "))";

    /// <summary>
    /// Which registered districts contain <paramref name="geometry"/> (SRID 4490), tested on its
    /// <see href="https://postgis.net/docs/ST_PointOnSurface.html">ST_PointOnSurface</see> with
    /// <see href="https://postgis.net/docs/ST_Covers.html">ST_Covers</see> (GiST-indexed): the
    /// county-level district (level 3), the township (level 4) where one has a boundary, and
    /// what is known of <paramref name="claimedCode"/> (exists, has a boundary, covers the point).
    /// Shared by every feature that places a record in a district.
    /// </summary>
    public static async Task<DistrictMatch> LocateAsync(NpgsqlConnection connection, Geometry geometry, string? claimedCode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            WITH p AS (SELECT ST_PointOnSurface(@geometry) AS pt)
            SELECT
              (SELECT d.code FROM districts d, p WHERE d.level = 3 AND ST_Covers(d.boundary, p.pt) ORDER BY d.code LIMIT 1),
              (SELECT d.code FROM districts d, p WHERE d.level = 4 AND ST_Covers(d.boundary, p.pt) ORDER BY d.code LIMIT 1),
              (SELECT d.level FROM districts d WHERE d.code = @claimed),
              (SELECT d.boundary IS NOT NULL FROM districts d WHERE d.code = @claimed),
              (SELECT ST_Covers(d.boundary, p.pt) FROM districts d, p WHERE d.code = @claimed)
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("geometry", geometry);
        command.Parameters.Add(new NpgsqlParameter("claimed", NpgsqlDbType.Varchar) { Value = (object?)claimedCode ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new DistrictMatch(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetInt16(2),
            !reader.IsDBNull(3) && reader.GetBoolean(3),
            !reader.IsDBNull(4) && reader.GetBoolean(4));
    }

    /// <summary>
    /// One facility as a GeoJSON Feature (<see cref="FeatureJson"/>), deleted or not, with its
    /// deletion time, version and district; null when no row has that id.
    /// </summary>
    public static async Task<StoredFeature?> FeatureByIdAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var sql = "SELECT " + FeatureJson + "::text, f.deleted_at IS NOT NULL, f.xmin::text::bigint, f.district_code FROM facilities f WHERE f.id = @id";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return await StoredFeature.ReadAsync(command, ct);
    }

    /// <summary>The photos attached to facility <paramref name="facilityId"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<AttachedPhoto>> PhotosAsync(NpgsqlConnection connection, long facilityId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = "SELECT photo_id, attached_at FROM facility_photos WHERE facility_id = @id ORDER BY attached_at, photo_id";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", facilityId);
        var photos = new List<AttachedPhoto>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            photos.Add(new AttachedPhoto(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return photos;
    }

    /// <summary>Attaches photo <paramref name="photoId"/> to facility <paramref name="facilityId"/>; false when it was attached already.</summary>
    public static async Task<bool> AttachPhotoAsync(
        NpgsqlConnection connection, long facilityId, Guid photoId, long? userId, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            INSERT INTO facility_photos (facility_id, photo_id, attached_by, attached_at) VALUES (@facility, @photo, @user, @at)
            ON CONFLICT DO NOTHING
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("facility", facilityId);
        command.Parameters.AddWithValue("photo", photoId);
        command.Parameters.Add(new NpgsqlParameter<long?>("user", userId));
        command.Parameters.AddWithValue("at", at);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// One facility as a GeoJSON Feature with, in addition, its unclosed defects under
    /// <c>properties.openDefects</c> (<c>[{id, item, severity, status, dueAt}]</c>, by due date); null when no row has that id.
    /// </summary>
    public static async Task<StoredFeature?> FeatureWithOpenDefectsByIdAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var sql = "SELECT jsonb_set((" + FeatureJson + ")::jsonb, '{properties,openDefects}', " + DefectSql.OpenDefectsOfFacility
            + ")::text, f.deleted_at IS NOT NULL, f.xmin::text::bigint, f.district_code FROM facilities f WHERE f.id = @id";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return await StoredFeature.ReadAsync(command, ct);
    }

    /// <summary>
    /// A page of facilities as one GeoJSON FeatureCollection, built by one statement: the
    /// filtered rows (not deleted; bbox with
    /// <see href="https://postgis.net/docs/ST_MakeEnvelope.html">ST_MakeEnvelope</see>(…, 4490)
    /// and <c>ST_Intersects</c>, so the GiST index on <c>geometry</c> is used; district prefix;
    /// kind; status; name contains <c>q</c>; inspection state), ordered by id (or by distance from
    /// <see cref="FeatureQuery.Near"/>, see <see cref="NearestPage"/>), with <c>numberMatched</c>, <c>numberReturned</c>, and
    /// <c>next</c>/<c>prev</c> links present only where there is such a page.
    /// </summary>
    /// <remarks>
    /// Measured at 1 M facilities (bench/list.sh, bench/README.md): the page is the only reference to the filtered rows,
    /// so PostgreSQL neither materializes every matching row nor sorts more than the page needs; the filtered rows are
    /// counted only when the page is full (a short page's count is its offset plus its length); and the statement runs
    /// without JIT (<c>SET LOCAL jit = off</c>): the per-row sub-queries of the inspection properties make the planner cost
    /// even a 1,000-row page high enough to compile it, which took longer than running it; nor with parallel workers,
    /// whose start costs more than the few thousand rows of a map view they would share. So it opens a transaction of
    /// its own on <paramref name="connection"/>, which must have none. The inspection state and the last inspection's time and
    /// result come from one join to the kept <c>facility_state</c> (<see cref="ListFeatureJson"/>).
    /// </remarks>
    public static async Task<string> FeatureCollectionAsync(NpgsqlConnection connection, FeatureQuery query, PageLinks links, CancellationToken ct)
    {
        await using var command = FeatureCollectionCommand(connection, query, links);
        await using var transaction = await BeginListTransactionAsync(command, ct);
        var json = (string)(await command.ExecuteScalarAsync(ct))!;
        await transaction.CommitAsync(ct);
        return json;
    }

    /// <summary>
    /// <see cref="FeatureCollectionAsync"/> copied as PostgreSQL sends it (UTF-8) into the stream <paramref name="body"/> gives
    /// once the statement has answered: no string of the whole page is made, decoded or encoded again in the service
    /// (a page of 1,000 is ~575 KB). An error before the answer throws before <paramref name="body"/> is asked for, so it
    /// can still become a problem response.
    /// </summary>
    public static async Task CopyFeatureCollectionAsync(NpgsqlConnection connection, FeatureQuery query, PageLinks links, Func<Stream> body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        await using var command = FeatureCollectionCommand(connection, query, links);
        await using var transaction = await BeginListTransactionAsync(command, ct);
        await using (var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct))
        {
            await reader.ReadAsync(ct);
            await using var json = reader.GetStream(0);
            await json.CopyToAsync(body(), ct);
        }

        await transaction.CommitAsync(ct);
    }

    private static async Task<NpgsqlTransaction> BeginListTransactionAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var transaction = await command.Connection!.BeginTransactionAsync(ct);
        command.Transaction = transaction;
        await using (var noJit = new NpgsqlCommand("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0", command.Connection, transaction))
        {
            await noJit.ExecuteNonQueryAsync(ct);
        }

        return transaction;
    }

    private static NpgsqlCommand FeatureCollectionCommand(NpgsqlConnection connection, FeatureQuery query, PageLinks links)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(links);
        var command = new NpgsqlCommand { Connection = connection };
        var where = new StringBuilder("f.deleted_at IS NULL");
        AppendFilters(where, command, query, "f", "kind");

        var sql = new StringBuilder("WITH ");
        if (query.Near is { } near)
        {
            sql.Append(NearestPage.Replace("{where}", where.ToString(), StringComparison.Ordinal));
            command.Parameters.AddWithValue("nearLon", near.Lon);
            command.Parameters.AddWithValue("nearLat", near.Lat);
        }
        else
        {
            // A CTE has no system columns, so the row version (xmin) is carried as an ordinary column of that name.
            sql.Append("page AS (SELECT f.*, f.xmin AS xmin FROM facilities f WHERE ").Append(where).Append(" ORDER BY f.id LIMIT @limit OFFSET @offset),");
        }

        sql.Append("features AS (SELECT count(*) AS returned, COALESCE(json_agg(");
        if (query.Near is null)
        {
            sql.Append(ListFeatureJson).Append(" ORDER BY f.id)");
        }
        else
        {
            sql.Append("jsonb_set((").Append(ListFeatureJson).Append(")::jsonb, '{properties,distanceM}', to_jsonb(round(f.distance_m)::bigint))")
                .Append(" ORDER BY f.distance_m, f.id)");
        }

        // counts is materialized: its count is referenced twice (numberMatched, the next link) and must run once.
        sql.Append(", '[]'::json) AS list FROM page f").Append(KeptState).Append("),");
        sql.Append("counts AS MATERIALIZED (SELECT p.returned, CASE WHEN p.returned < @limit AND (p.returned > 0 OR @offset = 0) THEN @offset + p.returned")
            .Append(" ELSE (SELECT count(*) FROM facilities f WHERE ").Append(where).Append(") END AS matched FROM features p)");
        sql.Append("""
            SELECT json_build_object(
              'type', 'FeatureCollection',
              'numberMatched', counts.matched,
              'numberReturned', counts.returned,
              'timeStamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              'links', json_build_array(json_build_object('rel', 'self', 'type', 'application/geo+json', 'href', @self))::jsonb
                || CASE WHEN @offset + counts.returned < counts.matched
                     THEN jsonb_build_array(jsonb_build_object('rel', 'next', 'type', 'application/geo+json', 'href', @next)) ELSE '[]'::jsonb END
                || CASE WHEN @offset > 0
                     THEN jsonb_build_array(jsonb_build_object('rel', 'prev', 'type', 'application/geo+json', 'href', @prev)) ELSE '[]'::jsonb END,
              'features', features.list)::text
            FROM counts, features
            """);
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("limit", (long)query.Limit);
        command.Parameters.AddWithValue("offset", (long)query.Offset);
        command.Parameters.AddWithValue("self", links.Self);
        command.Parameters.AddWithValue("next", links.Next);
        command.Parameters.AddWithValue("prev", links.Prev);
        return command;
    }

    /// <summary>
    /// The page nearest to (<c>@nearLon</c>, <c>@nearLat</c>) by geodesic distance (<c>distance_m</c>, ST_Distance on
    /// geography), found through the GiST index in two steps. The KNN operator
    /// <see href="https://postgis.net/docs/geometry_distance_knn.html">&lt;-&gt;</see> orders by distance in degrees,
    /// which is not the order in metres (a degree of longitude is shorter than one of latitude), so it only finds the
    /// offset + limit nearest in degrees; the farthest of those, <c>reach.m</c> metres away, bounds the answer, and
    /// every facility within <c>reach.m</c> metres lies within <c>reach.m / (110,000 · cos φmax)</c> degrees (no degree
    /// in any direction is shorter than that up to latitude φmax), which <c>ST_DWithin</c> fetches through the index
    /// again before the exact geodesic order. <c>{where}</c> is the filter of the list.
    /// </summary>
    private const string NearestPage = """
        knn AS (
          SELECT ST_Distance(f.geometry::geography, ST_SetSRID(ST_MakePoint(@nearLon, @nearLat), 4490)::geography) AS m
          FROM facilities f WHERE {where}
          ORDER BY f.geometry <-> ST_SetSRID(ST_MakePoint(@nearLon, @nearLat), 4490) LIMIT @offset + @limit),
        reach AS (
          SELECT max(m) AS m, least(89.9, abs(@nearLat) + max(m) / 110000.0) AS lat FROM knn),
        page AS (
          SELECT f.*, f.xmin AS xmin,
                 ST_Distance(f.geometry::geography, ST_SetSRID(ST_MakePoint(@nearLon, @nearLat), 4490)::geography) AS distance_m
          FROM facilities f, reach
          WHERE {where}
            AND ST_DWithin(f.geometry, ST_SetSRID(ST_MakePoint(@nearLon, @nearLat), 4490),
                           CASE WHEN reach.lat >= 89.9 THEN 360 ELSE reach.m / (110000.0 * cos(radians(reach.lat))) * 1.000001 + 1e-9 END)
          ORDER BY distance_m, f.id LIMIT @limit OFFSET @offset),
        """;

    /// <summary>
    /// Appends the list filters of <paramref name="query"/> as fixed SQL fragments with parameters: the one WHERE
    /// fragment of the facility and road lists, their exports and the facility tiles (<see cref="FeatureListRequest"/>).
    /// District codes are prefix-hierarchical, so a district matches its children:
    /// <c>district_code</c> or <c>township_code</c> starting with <see cref="FeatureQuery.DistrictPrefix"/>.
    /// The inspection state needs the facilities alias <c>f</c>.
    /// </summary>
    internal static void AppendFilters(StringBuilder sql, NpgsqlCommand command, FeatureQuery query, string alias, string kindColumn)
    {
        if (query.Bbox is { } b)
        {
            sql.Append(" AND ST_Intersects(").Append(alias).Append(".geometry, ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4490))");
            command.Parameters.AddWithValue("minx", b.MinLon);
            command.Parameters.AddWithValue("miny", b.MinLat);
            command.Parameters.AddWithValue("maxx", b.MaxLon);
            command.Parameters.AddWithValue("maxy", b.MaxLat);
        }

        if (query.DistrictPrefix is { } prefix)
        {
            // The prefix holds digits only (checked by the caller), so no LIKE wildcard can sneak in.
            sql.Append(" AND (").Append(alias).Append(".district_code LIKE @district OR ")
                .Append(alias).Append(".township_code LIKE @district)");
            command.Parameters.AddWithValue("district", prefix + "%");
        }

        // Records carry their county, and keys are scoped to counties or larger.
        (query.Scope ?? ReadScope.Everything).AppendFilter(sql, command, alias + ".district_code");

        if (query.Kind is { } kind)
        {
            sql.Append(" AND ").Append(alias).Append('.').Append(kindColumn).Append(" = @kind");
            command.Parameters.AddWithValue("kind", kind);
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND ").Append(alias).Append(".status = @status");
            command.Parameters.AddWithValue("status", status);
        }

        if (query.ManagingUnit is { } unit)
        {
            sql.Append(" AND ").Append(alias).Append(".managing_unit = @managingUnit");
            command.Parameters.AddWithValue("managingUnit", unit);
        }

        if (query.Q is { } q)
        {
            // strpos, not LIKE: the text is matched literally, % and _ included.
            sql.Append(" AND strpos(lower(").Append(alias).Append(".name), lower(@q)) > 0");
            command.Parameters.AddWithValue("q", q);
        }

        if (query.InspectionState is { } state)
        {
            if (alias != "f")
            {
                throw new ArgumentException("The inspection state is a filter of facilities (alias f).", nameof(alias));
            }

            sql.Append(" AND ").Append(InspectionSql.InspectionState).Append(" = @inspectionState");
            command.Parameters.AddWithValue("inspectionState", state);
        }
    }

    /// <summary>The community grid (网格) facility <paramref name="id"/> lies in (set by the database), or null.</summary>
    public static async Task<string?> GridCodeAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT grid_code FROM facilities WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(ct) as string;
    }
}

/// <summary>What <see cref="FacilitySql.LocateAsync"/> found.</summary>
/// <param name="CountyCode">County-level district containing the geometry, null when none does.</param>
/// <param name="TownshipCode">Township containing it, where townships have boundaries.</param>
/// <param name="ClaimedLevel">Level of the claimed district, null when the code is unknown (or none was claimed).</param>
/// <param name="ClaimedHasBoundary">Whether the claimed district has a boundary.</param>
/// <param name="ClaimedCovers">Whether the claimed district's boundary covers the geometry.</param>
public sealed record DistrictMatch(string? CountyCode, string? TownshipCode, short? ClaimedLevel, bool ClaimedHasBoundary, bool ClaimedCovers);

/// <summary>A stored record as its GeoJSON Feature text, with what the endpoints need to know about it.</summary>
/// <param name="Json">The Feature.</param>
/// <param name="Deleted">Soft-deleted.</param>
/// <param name="Version">Concurrency token (xmin).</param>
/// <param name="DistrictCode">County-level district.</param>
public sealed record StoredFeature(string Json, bool Deleted, long Version, string DistrictCode)
{
    internal static async Task<StoredFeature?> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new StoredFeature(reader.GetString(0), reader.GetBoolean(1), reader.GetInt64(2), reader.GetString(3));
    }
}

/// <summary>A photo attached to a facility.</summary>
/// <param name="PhotoId">The photo (<c>/api/v1/photos/{id}</c>).</param>
/// <param name="AttachedAt">When it was attached.</param>
public sealed record AttachedPhoto(Guid PhotoId, DateTimeOffset AttachedAt);

/// <summary>Filters and page of a FeatureCollection request, already validated.</summary>
/// <param name="Bbox">Bounding box in lon/lat, or null.</param>
/// <param name="DistrictPrefix">Code prefix (<c>1408</c> for 140800), or null.</param>
/// <param name="Kind">Kind (facilities) or road class (roads), or null.</param>
/// <param name="Status">Status, or null.</param>
/// <param name="Limit">Page size, 1..1000.</param>
/// <param name="Offset">Rows to skip.</param>
/// <param name="Q">Text the name contains.</param>
/// <param name="InspectionState">Facilities only: on_time, due_soon, overdue or never.</param>
/// <param name="Near">Facilities only: order by geodesic distance from this point, nearest first.</param>
/// <param name="Scope">The districts the caller may read (<see cref="ReadScope"/>); null for every district.</param>
public sealed record FeatureQuery(
    Bbox? Bbox, string? DistrictPrefix, string? Kind, string? Status, int Limit, int Offset, string? Q = null, string? InspectionState = null,
    (double Lon, double Lat)? Near = null, ReadScope? Scope = null)
{
    /// <summary>The managing unit, exactly as recorded, or null.</summary>
    public string? ManagingUnit { get; init; }
}

/// <summary>A longitude/latitude bounding box.</summary>
public readonly record struct Bbox(double MinLon, double MinLat, double MaxLon, double MaxLat);

/// <summary>Absolute URLs of this page and its neighbours; <c>next</c>/<c>prev</c> are emitted only when such a page exists.</summary>
public sealed record PageLinks(string Self, string Next, string Prev);
