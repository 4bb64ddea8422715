using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Accessibility.Api.Tests.Sharing;

/// <summary>
/// Records in two counties, written straight into the throw-away database: Yongji (永济市 140881) and Yanshi (偃师区
/// 410307), so that a key, a district administrator or a filter of one county can be seen to leave the other out.
/// </summary>
internal static class SharingTestData
{
    public const string Yongji = "140881";
    public const string Yanshi = "410307";

    /// <summary>Inspector names, one per county: staff data that anonymous readers never see.</summary>
    public const string YongjiInspector = "永济检查员王";
    public const string YanshiInspector = "偃师检查员李";

    /// <summary>Contact data of every seeded report: never visible through any public or key route.</summary>
    public const string ReporterEmail = "reporter-secret@example.invalid";
    public const string ReporterPhone = "13912345678";
    public const string ReporterName = "报告人赵";

    /// <summary>
    /// <paramref name="perCounty"/> facilities in each county (curb ramps on a small grid), a failed inspection of the
    /// first <paramref name="inspected"/> of each with one defect each (item slope), and <paramref name="reports"/>
    /// public reports in each county, filed one day apart from 2026-10-01T00:00Z (contact data included).
    /// </summary>
    public static async Task SeedAsync(RegistryFixture registry, int perCounty = 12, int inspected = 4, int reports = 6)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO facilities (kind, name, geometry, attributes, status, managing_unit, district_code, source, external_id, created_at, updated_at)
            SELECT 'curb_ramp', c.name || '缘石坡道' || i || '号',
                   ST_SetSRID(ST_MakePoint(c.lon + (i % 10) * 0.0003, c.lat + (i / 10) * 0.0003), 4490),
                   '{}'::jsonb, 'operational', c.name || '住建局', c.code, 'test', c.code || '-' || i, now(), now()
            FROM (VALUES ('140881', '永济', 110.44, 34.86), ('410307', '偃师', 112.78, 34.72)) c(code, name, lon, lat)
            CROSS JOIN generate_series(1, @perCounty) i;

            WITH chosen AS (
              SELECT f.id, f.district_code, f.geometry FROM facilities f
              WHERE (SELECT count(*) FROM facilities g WHERE g.district_code = f.district_code AND g.id < f.id) < @inspected),
            i AS (
              INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result,
                                       facility_status, answers, photo_ids, source, created_at)
              SELECT gen_random_uuid(), 'test' || c.id, c.id, c.district_code,
                     CASE c.district_code WHEN '140881' THEN @yongjiInspector ELSE @yanshiInspector END,
                     '2026-10-01T00:00:00Z'::timestamptz + (c.id || ' hours')::interval, 'fail', 'operational',
                     '[{"item": "slope", "verdict": "fail", "value": 0.12}, {"item": "width", "verdict": "pass", "value": 1.4}]'::jsonb,
                     '{}', 'test', now()
              FROM chosen c
              RETURNING id, facility_id, district_code)
            INSERT INTO defects (facility_id, inspection_id, district_code, item, severity, status, due_at, managing_unit, location, created_at, updated_at)
            SELECT i.facility_id, i.id, i.district_code, 'slope', 'major', 'open', now() + interval '30 days', '住建局',
                   ST_PointOnSurface(f.geometry), now(), now()
            FROM i JOIN facilities f ON f.id = i.facility_id;

            INSERT INTO reports (service_code, description, attributes, location, address, district_code, status, me_too_count,
                                 email, phone, first_name, last_name, device_id, source, requested_at, updated_at)
            SELECT 'curb_ramp', c.name || '路口坡道破损 ' || r, '{}'::jsonb,
                   ST_SetSRID(ST_MakePoint(c.lon + r * 0.0005, c.lat + 0.01), 4490), c.name || '中山街' || r || '号', c.code,
                   CASE WHEN r % 3 = 0 THEN 'closed' ELSE 'new' END, 0,
                   @email, @phone, @name, '赵', 'device-secret-' || r, 'web',
                   '2026-10-01T00:00:00Z'::timestamptz + ((r - 1) || ' days')::interval, now()
            FROM (VALUES ('140881', '永济', 110.44, 34.86), ('410307', '偃师', 112.78, 34.72)) c(code, name, lon, lat)
            CROSS JOIN generate_series(1, @reports) r;
            """, connection);
        command.Parameters.AddWithValue("perCounty", perCounty);
        command.Parameters.AddWithValue("inspected", inspected);
        command.Parameters.AddWithValue("reports", reports);
        command.Parameters.AddWithValue("yongjiInspector", YongjiInspector);
        command.Parameters.AddWithValue("yanshiInspector", YanshiInspector);
        command.Parameters.AddWithValue("email", ReporterEmail);
        command.Parameters.AddWithValue("phone", ReporterPhone);
        command.Parameters.AddWithValue("name", ReporterName);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Issues a key through the API as <paramref name="admin"/>; returns its id and secret.</summary>
    public static async Task<(long Id, string Secret)> CreateKeyAsync(HttpClient admin, string[] districts, string[] layers, int? expiresInDays = null)
    {
        using var response = await admin.PostAsJsonAsync(new Uri("/api/v1/api-keys", UriKind.Relative),
            new { department = "永济市民政局", purpose = "残疾人服务大数据", districtCodes = districts, layers, expiresInDays });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonNode.Parse(text)!;
        return ((long)created["key"]!["id"]!, (string)created["secret"]!);
    }

    /// <summary>A client that sends <paramref name="secret"/> in <c>X-Api-Key</c>.</summary>
    public static HttpClient KeyClient(RegistryFixture registry, string secret)
    {
        var client = registry.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", secret);
        return client;
    }
}
