using Npgsql;

namespace Accessibility.Api.Tests.Ogc;

/// <summary>Rows written straight into the throw-away database, many at a time, for the read-only interfaces.</summary>
internal static class OgcTestData
{
    /// <summary>Every facility kind of data/facility-kinds.json, so that every kind collection has features.</summary>
    public static readonly string[] Kinds =
    [
        "accessible_toilet", "curb_ramp", "ramp", "accessible_entrance", "elevator", "tactile_paving", "accessible_parking",
        "audible_signal", "crossing_structure", "bus_stop", "disability_service", "public_building", "emergency_shelter",
    ];

    /// <summary>
    /// <paramref name="count"/> facilities in Yongji (140881) on a grid from (110.44, 34.86), kinds in turn (tactile paving as
    /// short lines), status alternating operational/unusable, Chinese names, updated_at one day apart from 2024-01-01;
    /// <paramref name="roads"/> road segments there; and one failed inspection of each of the first three facilities,
    /// whose defects are open, fixed (awaiting verification, still open) and verified (closed); and
    /// <paramref name="reports"/> public reports there with contact data (<see cref="ReporterEmail"/>), filed one day
    /// apart from 2026-10-01T00:00Z, every third closed.
    /// </summary>
    public static async Task SeedAsync(RegistryFixture registry, int count, int roads = 3, int reports = 16)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var facilities = new NpgsqlCommand(
            """
            INSERT INTO facilities (kind, name, geometry, attributes, status, managing_unit, district_code, source, external_id, created_at, updated_at)
            SELECT k.kind, '永济设施' || i || '号, "测试"',
                   CASE WHEN k.kind = 'tactile_paving'
                        THEN ST_SetSRID(ST_MakeLine(ST_MakePoint(110.44 + (i % 50) * 0.0002, 34.86 + (i / 50) * 0.0002),
                                                    ST_MakePoint(110.4401 + (i % 50) * 0.0002, 34.86 + (i / 50) * 0.0002)), 4490)
                        ELSE ST_SetSRID(ST_MakePoint(110.44 + (i % 50) * 0.0002, 34.86 + (i / 50) * 0.0002), 4490) END,
                   '{}'::jsonb, CASE WHEN i % 2 = 0 THEN 'operational' ELSE 'unusable' END, '永济市住房和城乡建设局',
                   '140881', 'test', 'T' || i, '2024-01-01T00:00:00Z'::timestamptz, '2024-01-01T00:00:00Z'::timestamptz + (i || ' days')::interval
            FROM generate_series(1, @count) i
            CROSS JOIN LATERAL (SELECT (@kinds::text[])[1 + (i - 1) % cardinality(@kinds::text[])] AS kind) k
            """, connection);
        facilities.Parameters.AddWithValue("count", count);
        facilities.Parameters.AddWithValue("kinds", Kinds);
        await facilities.ExecuteNonQueryAsync();

        await using var segments = new NpgsqlCommand(
            """
            INSERT INTO road_segments (name, road_class, geometry, sidewalk_width_m, curb_ramp_start, curb_ramp_end, tactile_paving,
                                       attributes, status, district_code, source, created_at, updated_at)
            SELECT '舜都大道' || i || '段', CASE WHEN i % 2 = 0 THEN 'main' ELSE 'branch' END,
                   ST_SetSRID(ST_MakeLine(ST_MakePoint(110.44, 34.87 + i * 0.001), ST_MakePoint(110.45, 34.87 + i * 0.001)), 4490),
                   2.5, true, i % 2 = 0, 'continuous', '{}'::jsonb, 'operational', '140881', 'test', now(), now()
            FROM generate_series(1, @roads) i
            """, connection);
        segments.Parameters.AddWithValue("roads", roads);
        await segments.ExecuteNonQueryAsync();

        await using var defects = new NpgsqlCommand(
            """
            WITH i AS (
              INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                       facility_status, answers, photo_ids, source, created_at)
              SELECT gen_random_uuid(), 'test' || f.id, f.id, f.district_code, '测试检查员', now(), 'fail', f.status, '[]'::jsonb, '{}', 'test', now()
              FROM facilities f WHERE f.id <= 3
              RETURNING id, facility_id)
            INSERT INTO defects (facility_id, inspection_id, district_code, item, severity, status, due_at, managing_unit, location, created_at, updated_at)
            SELECT i.facility_id, i.id, '140881', 'door_width', 'major', (ARRAY['open', 'fixed', 'verified'])[i.facility_id], now() + interval '30 days',
                   '永济市住房和城乡建设局', ST_PointOnSurface(f.geometry), now(), now()
            FROM i JOIN facilities f ON f.id = i.facility_id
            """, connection);
        await defects.ExecuteNonQueryAsync();

        await using var filed = new NpgsqlCommand(
            """
            INSERT INTO reports (service_code, description, attributes, location, address, district_code, status, status_notes, me_too_count,
                                 email, phone, first_name, last_name, device_id, source, requested_at, updated_at, closed_at)
            SELECT CASE WHEN r % 2 = 0 THEN 'curb_ramp' ELSE 'tactile_paving' END, '永济报告' || r || '：坡道破损', '{}'::jsonb,
                   ST_SetSRID(ST_MakePoint(110.44 + r * 0.001, 34.87), 4490), '中山街' || r || '号', '140881',
                   CASE WHEN r % 3 = 0 THEN 'closed' ELSE 'new' END, NULL, r % 4,
                   @email, '13800000000', '报告人', '赵', 'device-' || r, 'web',
                   '2026-10-01T00:00:00Z'::timestamptz + ((r - 1) || ' days')::interval, now(),
                   CASE WHEN r % 3 = 0 THEN now() END
            FROM generate_series(1, @reports) r
            """, connection);
        filed.Parameters.AddWithValue("reports", reports);
        filed.Parameters.AddWithValue("email", ReporterEmail);
        await filed.ExecuteNonQueryAsync();
    }

    /// <summary>Contact e-mail of every seeded report: never in an OGC answer.</summary>
    public const string ReporterEmail = "ogc-reporter@example.invalid";
}
