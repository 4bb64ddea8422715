using Npgsql;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// A few synthetic construction projects of 永济市 (140881) for the demo, so the public list of projects, the report
/// link and the indicator 新建项目无障碍设施建设率 have something to show: a school under construction whose ramp
/// failed its design review, a road alteration in design review, and three accepted new buildings (two meeting every
/// item, one with a waived item). Dates are relative to now; each row takes effect at its acceptance (else its
/// registration), so reads as of a past date see them arrive. Loaded only beside demo facilities, once.
/// </summary>
public static class ProjectDemo
{
    private const string Sql = """
        WITH p AS (
          INSERT INTO construction_projects (name, builder, project_type, works, district_code, township_code, geometry, stage,
                                             barrier_free_compliant, accepted_at, created_at, updated_at, valid_from)
          SELECT v.name, v.builder, v.type, v.works, '140881', v.township, ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4490), v.stage,
                 v.compliant, now() - v.accepted_days * interval '1 day', now() - v.created_days * interval '1 day',
                 now() - LEAST(v.created_days, COALESCE(v.accepted_days, v.created_days)) * interval '1 day',
                 now() - COALESCE(v.accepted_days, v.created_days) * interval '1 day'
          FROM (VALUES
            ('永济市第二实验小学教学楼（演示）', '永济市教育局', 'building', 'new', '140881001', 110.4432, 34.8691, 'construction', NULL::boolean, NULL::int, 280),
            ('舜都大道人行道改造（演示）', '永济市住房和城乡建设局', 'road', 'alteration', '140881001', 110.4515, 34.8655, 'design-review', NULL, NULL, 90),
            ('永济市图书馆新馆（演示）', '永济市文化和旅游局', 'building', 'new', '140881001', 110.4401, 34.8712, 'accepted', true, 420, 900),
            ('永济市体育中心（演示）', '永济市体育事业发展中心', 'building', 'new', NULL, 110.4620, 34.8598, 'accepted', false, 200, 700),
            ('城西社区服务中心（演示）', '城西街道办事处', 'building', 'new', '140881001', 110.4458, 34.8640, 'accepted', true, 120, 500)
          ) AS v(name, builder, type, works, township, lon, lat, stage, compliant, accepted_days, created_days)
          RETURNING 1)
        SELECT count(*) FROM p
        """;

    /// <summary>Inserts the demo projects when there is no construction project yet; returns how many were added.</summary>
    public static async Task<int> LoadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM construction_projects)", connection))
        {
            if ((bool)(await any.ExecuteScalarAsync(ct))!)
            {
                return 0;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(ct);
        long added;
        await using (var insert = new NpgsqlCommand(Sql, connection, transaction))
        {
            added = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        await using (var details = new NpgsqlCommand(Details, connection, transaction))
        {
            await details.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return (int)added;
    }

    /// <summary>The checks and the waiver of the demo projects, once their facilities exist.</summary>
    private const string Details = """
        INSERT INTO project_facilities (project_id, kind, name, geometry)
        SELECT p.id, v.kind, v.facility, p.geometry
        FROM construction_projects p
        JOIN (VALUES ('永济市第二实验小学教学楼（演示）', 'ramp', '教学楼入口坡道'),
                     ('永济市第二实验小学教学楼（演示）', 'accessible_toilet', '教学楼无障碍厕所'),
                     ('永济市体育中心（演示）', 'accessible_toilet', '体育馆无障碍厕所')) AS v(project, kind, facility) ON p.name = v.project;
        -- Items as the checks store them (ProjectCheckItem): the school's ramp fails design review (slope 1:8); the sports
        -- centre's toilet fails acceptance (door 800 mm) and that item is waived at acceptance.
        INSERT INTO project_checks (project_id, project_facility_id, stage, answers, items, result, checker_name, checked_at)
        SELECT f.project_id, f.id, 'design-review', '[]'::jsonb,
               CASE f.kind WHEN 'ramp'
                 THEN '[{"item":"slope","verdict":"fail","value":0.125,"unit":"ratio","canonicalValue":0.125,"canonicalUnit":"ratio","requirement":{"zh":"≤ 1:12","en":"≤ 1:12"},"clause":"GB 55019 §2.3","confidence":"notes","severity":"major","note":"设计坡度 1:8（演示数据）","reason":null}]'::jsonb
                 ELSE '[{"item":"door_width","verdict":"pass","value":900,"unit":"mm","canonicalValue":900,"canonicalUnit":"mm","requirement":{"zh":"≥ 900 mm","en":"≥ 900 mm"},"clause":"GB 55019 §2.5","confidence":"verified","severity":"major","note":null,"reason":null}]'::jsonb END,
               CASE f.kind WHEN 'ramp' THEN 'fail' ELSE 'pass' END, '演示审查员', p.created_at + interval '30 days'
        FROM project_facilities f JOIN construction_projects p ON p.id = f.project_id
        WHERE p.name IN ('永济市第二实验小学教学楼（演示）', '永济市体育中心（演示）');
        INSERT INTO project_checks (project_id, project_facility_id, stage, answers, items, result, checker_name, checked_at)
        SELECT f.project_id, f.id, 'acceptance', '[]'::jsonb,
               '[{"item":"door_width","verdict":"fail","value":800,"unit":"mm","canonicalValue":800,"canonicalUnit":"mm","requirement":{"zh":"≥ 900 mm","en":"≥ 900 mm"},"clause":"GB 55019 §2.5","confidence":"verified","severity":"major","note":"门净宽 800 mm（演示数据）","reason":null}]'::jsonb,
               'fail', '演示验收员', p.accepted_at - interval '2 days'
        FROM project_facilities f JOIN construction_projects p ON p.id = f.project_id
        WHERE p.name = '永济市体育中心（演示）';
        INSERT INTO project_waivers (project_id, project_facility_id, stage, project_check_id, item_code, reason, granted_at)
        SELECT c.project_id, c.project_facility_id, 'acceptance', c.id, 'door_width', '既有结构限制，门宽无法达到要求（演示数据）', p.accepted_at - interval '1 day'
        FROM project_checks c JOIN construction_projects p ON p.id = c.project_id
        WHERE p.name = '永济市体育中心（演示）' AND c.stage = 'acceptance';
        """;
}
