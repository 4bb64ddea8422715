using System.Globalization;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Reports;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Reports.ReportApi;

namespace Accessibility.Api.Tests.Reports;

/// <summary>
/// Reports filed at the same moment link exactly as the sequential rules say, although filings of one category in one
/// county no longer wait for each other.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ConcurrentIntakeTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // The link each report must have if the reports had been filed one after another in the order of their numbers:
    // the nearest open primary of its category within 30 m among the earlier ones (none: it is a primary itself).
    private const string LinkedOtherwiseThanInSequence = """
        SELECT count(*) FROM reports n
        WHERE n.duplicate_of_id IS DISTINCT FROM (
          SELECT o.id FROM reports o
          WHERE o.id < n.id AND o.service_code = n.service_code AND o.duplicate_of_id IS NULL AND o.status IN ('new', 'accepted')
            AND ST_DWithin(o.location::geography, n.location::geography, 30)
          ORDER BY ST_Distance(o.location::geography, n.location::geography), o.id LIMIT 1)
        """;

    [Fact]
    public async Task Near_duplicates_filed_at_once_link_as_if_filed_one_after_another()
    {
        // A hotline (signed in) is not rate-limited, so every report goes in at once.
        using var hotline = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var forms = new List<Dictionary<string, string>>();
        // A crowd at one curb ramp: 16 reports within 4 m of each other, and 8 of blocked tactile paving at the same spot.
        for (var i = 0; i < 16; i++)
        {
            forms.Add(Form((Yongji.Lon + (i * 0.000003), Yongji.Lat), "curb_ramp"));
        }

        for (var i = 0; i < 8; i++)
        {
            forms.Add(Form((Yongji.Lon, Yongji.Lat + (i * 0.000003)), "tactile_paving"));
        }

        // A street 200 m east: ramps every 10 m, two reports each; which become primaries depends on the arrival order.
        for (var i = 0; i < 24; i++)
        {
            forms.Add(Form((Yongji.Lon + 0.002, Yongji.Lat + (i / 2 * 0.00009)), "ramp"));
        }

        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(forms));
        var filed = await Task.WhenAll(forms.Select(form => Task.Run(() => FileAsync(hotline, form))));

        Assert.Equal(48, await registry.ScalarAsync<long>("SELECT count(*) FROM reports"));
        // One primary per crowd: the first filed; every other report of the crowd links to it.
        foreach (var service in new[] { "curb_ramp", "tactile_paving" })
        {
            Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM reports WHERE service_code = $1 AND duplicate_of_id IS NULL", service));
            Assert.Equal(0, await registry.ScalarAsync<long>(
                "SELECT count(*) FROM reports WHERE service_code = $1 AND duplicate_of_id IS DISTINCT FROM NULLIF((SELECT min(id) FROM reports WHERE service_code = $1), id)",
                service));
        }

        Assert.Equal(0, await registry.ScalarAsync<long>(LinkedOtherwiseThanInSequence));
        // The answers said what was stored.
        foreach (var (id, answer) in filed)
        {
            var stored = await registry.ScalarAsync<long?>("SELECT duplicate_of_id FROM reports WHERE id = $1", id);
            Assert.Equal(stored?.ToString(CultureInfo.InvariantCulture), (string?)answer["duplicate_of"]);
        }

        // Each filing has its first event and its audit entry, as before.
        Assert.Equal(48, await registry.ScalarAsync<long>("SELECT count(DISTINCT report_id) FROM report_events WHERE to_status = 'new'"));
        Assert.Equal(48, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'report' AND action = 'create'"));
    }

    [Fact]
    public async Task A_report_outside_every_county_fails_alone_and_the_others_filed_with_it_are_stored()
    {
        // Straight to the batch statement, so the bad report and the good ones really share one batch and one transaction.
        var dataSource = registry.Services.GetRequiredService<NpgsqlDataSource>();
        var now = DateTimeOffset.UtcNow;
        ReportFiling Filing((double Lon, double Lat) at, string service) => new(
            new Report
            {
                ServiceCode = service,
                Attributes = [],
                Location = new Point(at.Lon, at.Lat) { SRID = 4490 },
                DistrictCode = string.Empty,
                Status = ReportStatuses.New,
                Source = "open311",
                RequestedAt = now,
                UpdatedAt = now,
                Description = "batch",
            },
            new ReportAuditActor(null, "anonymous", "127.0.0.1", "create", ReportIntake.AuditEntityType), now - ReportIntake.DuplicateMaxAge);
        var filings = new[]
        {
            Filing(Yongji, "curb_ramp"),
            Filing(Beijing, "curb_ramp"), // no registered district there
            Filing((Yongji.Lon + 0.0001, Yongji.Lat), "curb_ramp"), // 9 m east of the first: its duplicate
            Filing((Yongji.Lon + 0.0002, Yongji.Lat), "tactile_paving"), // another category: a primary of its own
            Filing((Yongji.Lon + 0.0003, Yongji.Lat), "curb_ramp"), // 27 m from the first, 18 m from its duplicate: the first
        };
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            var stored = await ReportSql.FileAsync(connection, null, filings, ReportIntake.DuplicateMetres);
            Assert.Null(stored[1]);
            Assert.All(new[] { 0, 2, 3, 4 }, i => Assert.NotNull(stored[i]));
            Assert.Null(stored[0]!.Value.DuplicateOf);
            Assert.Equal(stored[0]!.Value.Id, stored[2]!.Value.DuplicateOf);
            Assert.Null(stored[3]!.Value.DuplicateOf);
            Assert.Equal(stored[0]!.Value.Id, stored[4]!.Value.DuplicateOf);
            // Numbered in the batch's order.
            Assert.True(stored[0]!.Value.Id < stored[2]!.Value.Id && stored[2]!.Value.Id < stored[3]!.Value.Id && stored[3]!.Value.Id < stored[4]!.Value.Id);
        }

        Assert.Equal(4, await registry.ScalarAsync<long>("SELECT count(*) FROM reports WHERE description = 'batch'"));
        Assert.Equal(4, await registry.ScalarAsync<long>("SELECT count(*) FROM reports WHERE description = 'batch' AND district_code = '140881'"));
        Assert.Equal(0, await registry.ScalarAsync<long>(LinkedOtherwiseThanInSequence));
        Assert.Equal(4, await registry.ScalarAsync<long>("SELECT count(*) FROM report_events WHERE to_status = 'new'"));
        Assert.Equal(4, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'report' AND action = 'create' AND after->>'districtCode' = '140881'"));

        // The same through the API, filed at once: each report outside every county gets its 400, every other its 201 and is stored.
        using var hotline = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var forms = Enumerable.Range(0, 24).Select(i => i % 6 == 0
            ? Form((Beijing.Lon + (i * 0.001), Beijing.Lat), "curb_ramp")
            : Form((Yongji.Lon + 0.003 + (i * 0.0005), Yongji.Lat), "ramp")).ToList();
        var answers = await Task.WhenAll(forms.Select(form => Task.Run(() => PostFormAsync(hotline, form))));
        for (var i = 0; i < forms.Count; i++)
        {
            var (status, body, _) = answers[i];
            if (i % 6 == 0)
            {
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, status);
                Assert.Contains("outside every registered district", body, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(System.Net.HttpStatusCode.Created, status);
            }
        }

        Assert.Equal(20, await registry.ScalarAsync<long>("SELECT count(*) FROM reports WHERE service_code = 'ramp'"));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM reports WHERE ST_X(location) > 116"));
    }

    [Fact]
    public void Two_points_within_the_link_radius_always_lock_a_common_cell()
    {
        var random = new Random(16);
        for (var i = 0; i < 20_000; i++)
        {
            var lat = (random.NextDouble() * 160) - 80;
            var lon = (random.NextDouble() * 360) - 180;
            // A second point up to 30 m away in any direction (metres per degree at least 110,574 north–south).
            var bearing = random.NextDouble() * 2 * Math.PI;
            var metres = random.NextDouble() * ReportIntake.DuplicateMetres;
            var otherLat = lat + (metres * Math.Cos(bearing) / 110_574);
            var otherLon = lon + (metres * Math.Sin(bearing) / (111_320 * Math.Cos(otherLat * Math.PI / 180)));
            var mine = DuplicateArea.LockKeys("curb_ramp", lon, lat, ReportIntake.DuplicateMetres);
            var theirs = DuplicateArea.LockKeys("curb_ramp", otherLon, otherLat, ReportIntake.DuplicateMetres);
            Assert.True(mine.Intersect(theirs).Any(), FormattableString.Invariant($"({lon}, {lat}) and ({otherLon}, {otherLat})"));
            if (Math.Abs(lat) <= 54)
            {
                // China's latitudes: 1–4 cells.
                Assert.InRange(mine.Length, 1, 4);
            }

            Assert.Equal(mine.Order(), mine);
        }

        // Another category at the same spot locks other cells.
        Assert.Empty(DuplicateArea.LockKeys("curb_ramp", 110.447, 34.867, 30).Intersect(DuplicateArea.LockKeys("ramp", 110.447, 34.867, 30)));
    }
}
