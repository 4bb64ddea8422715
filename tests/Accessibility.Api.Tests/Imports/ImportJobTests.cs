using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Imports;

/// <summary>Imports started as background jobs (the page's way): 202, a status to poll, the rejection report as CSV.</summary>
[Collection(RegistryCollection.Name)]
public sealed class ImportJobTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly string SurveyMapping = File.ReadAllText(Path.Combine(RepoPaths.Root, "data", "import-mappings", "survey-csv.json"));

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(HttpStatusCode Status, JsonNode Body, Uri? Location)> StartAsync(HttpClient client, string csv, string fileName)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", fileName },
            { new StringContent(SurveyMapping), "mapping" },
        };
        using var response = await client.PostAsync(Url("/api/v1/imports/facilities/jobs"), form);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!, response.Headers.Location);
    }

    private static async Task<JsonNode> WaitAsync(HttpClient client, Uri location)
    {
        for (var i = 0; i < 300; i++)
        {
            var status = JsonNode.Parse(await client.GetStringAsync(location))!;
            if ((string?)status["state"] is "imported" or "rejected" or "failed")
            {
                return status;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The import job did not finish in 30 s.");
    }

    [Fact]
    public async Task A_planner_starts_an_import_job_polls_it_to_the_end_and_sees_the_counts()
    {
        using var planner = await registry.CreateUserClientAsync("planner", "140881");
        const string csv = """
            编号,名称,类型,状态,管理单位,经度,纬度,门宽mm,抓杆,坡道类型
            T1,厕所一,无障碍厕所,正常,,110.4470,34.8670,900,是,
            R1,坡道一,缘石坡道,正常,,110.4700,34.8700,,,three_sided
            """;
        var (status, body, location) = await StartAsync(planner, csv, "survey.csv");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.NotNull(location);
        Assert.Contains((string?)body["state"], new[] { "queued", "running" });

        var done = await WaitAsync(planner, location);
        Assert.Equal("imported", (string?)done["state"]);
        Assert.Equal(2, (int)done["outcome"]!["inserted"]!);
        Assert.Equal(2, (long)done["rows"]!);
        Assert.Null(done["rejectedCsv"]);
        Assert.Equal(2, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'yongji-survey'"));

        // Another user does not see the job.
        using var other = await registry.CreateUserClientAsync("district-admin", "140881");
        using var hidden = await other.GetAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task A_job_with_a_bad_row_ends_rejected_with_a_downloadable_csv_report_and_writes_nothing()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        const string csv = """
            编号,名称,类型,状态,管理单位,经度,纬度,门宽mm,抓杆,坡道类型
            T1,厕所一,无障碍厕所,正常,,110.4470,34.8670,900,是,
            B1,"坐标错误, 东门",无障碍厕所,正常,,110.44a,34.8670,,,
            """;
        var (status, _, location) = await StartAsync(admin, csv, "bad.csv");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var done = await WaitAsync(admin, location!);
        Assert.Equal("rejected", (string?)done["state"]);
        Assert.Equal(1, (int)done["outcome"]!["rejectedRows"]!);

        using var response = await admin.GetAsync(new Uri((string)done["rejectedCsv"]!, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("row,externalId,field,reason\r\n3,", text, StringComparison.Ordinal);
        Assert.Contains("经度,Cannot read '110.44a'", text, StringComparison.Ordinal);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));

        using var inspector = await registry.CreateUserClientAsync("inspector", "140881");
        var (forbidden, _, _) = await StartAsync(inspector, csv, "bad.csv");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
    }
}
