using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Surveys;
using Accessibility.Api.Tests.Auth;
using Accessibility.Api.Tests.Reports;
using Accessibility.Api.Tests.Staff;
using Microsoft.Extensions.DependencyInjection;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Surveys;

/// <summary>
/// The satisfaction survey through HTTP: who opens and closes it, what an answer must hold, one answer per device, no answers
/// outside its days, results with counts below 5 withheld, free text for the district's staff only, the audit trail, and
/// the staff form without script.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SurveyTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Yongji = "140881";

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string InDays(int days) =>
        DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static JsonObject Survey(string district = Yongji, string? opensOn = null, JsonArray? questions = null)
    {
        var body = new JsonObject
        {
            ["districtCode"] = district,
            ["title"] = "2026 年永济市无障碍环境满意度调查",
            ["opensOn"] = opensOn ?? Today,
            ["closesOn"] = InDays(30),
        };
        if (questions is not null)
        {
            body["questions"] = questions;
        }

        return body;
    }

    private async Task<long> OpenAsync(HttpClient admin, JsonObject? body = null)
    {
        using var response = await admin.PostAsync(Url("/api/v1/surveys"), Json(body ?? Survey()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (long)(await response.ReadObjectAsync())["id"]!;
    }

    private static JsonObject Answer(string device, int roads = 4, JsonNode? toilets = null, string? problems = null)
    {
        var body = new JsonObject
        {
            ["deviceId"] = device,
            ["language"] = "zh",
            ["ratings"] = new JsonObject
            {
                ["roads"] = roads,
                ["toilets"] = toilets ?? 3,
                ["buildings"] = 5,
                ["information"] = 2,
                ["complaints"] = "not-used",
            },
        };
        if (problems is not null)
        {
            body["texts"] = new JsonObject { ["problems"] = problems };
        }

        return body;
    }

    private static string Device(int n) => "device-" + n.ToString("D4", CultureInfo.InvariantCulture) + "-0123456789abcdef";

    private static Task<HttpResponseMessage> AnswerAsync(HttpClient client, long survey, JsonObject body) =>
        client.PostAsync(Url("/api/v1/surveys/" + survey.ToString(CultureInfo.InvariantCulture) + "/answers"), Json(body));

    [Fact]
    public async Task Only_the_districts_administrator_opens_and_closes_and_both_are_audited()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        using var otherAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        using var anonymous = registry.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Url("/api/v1/surveys"), Json(Survey()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.PostAsync(Url("/api/v1/surveys"), Json(Survey()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherAdmin.PostAsync(Url("/api/v1/surveys"), Json(Survey()))).StatusCode);

        var id = await OpenAsync(admin, Survey(questions: ["roads", "suggestions"]));
        using (var got = await anonymous.GetAsync(Url("/api/v1/surveys/" + id)))
        {
            var survey = await got.ReadObjectAsync();
            Assert.Equal("open", (string?)survey["status"]);
            Assert.Equal(new[] { "roads", "suggestions" }, survey["questions"]!["questions"]!.AsArray().Select(q => (string?)q!["id"]));
            Assert.Equal("不适用（我没有用过）", (string?)survey["questions"]!["notUsed"]!["zh"]);
        }

        using (var list = await anonymous.GetAsync(Url("/api/v1/surveys?district=140881&status=open")))
        {
            Assert.Single((await list.ReadObjectAsync())["items"]!.AsArray());
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await otherAdmin.PostAsync(Url($"/api/v1/surveys/{id}/close"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.PostAsync(Url($"/api/v1/surveys/{id}/close"), null)).StatusCode);
        using (var closed = await admin.PostAsync(Url($"/api/v1/surveys/{id}/close"), null))
        {
            Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
            Assert.Equal("closed", (string?)(await closed.ReadObjectAsync())["status"]);
        }

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(Url($"/api/v1/surveys/{id}/close"), null)).StatusCode);
        var entity = id.ToString(CultureInfo.InvariantCulture);
        Assert.Equal("create", await registry.ScalarAsync<string>("SELECT action FROM audit_entries WHERE entity_type = 'survey' AND entity_id = $1 ORDER BY id LIMIT 1", entity));
        Assert.Equal("update", await registry.ScalarAsync<string>("SELECT action FROM audit_entries WHERE entity_type = 'survey' AND entity_id = $1 ORDER BY id OFFSET 1 LIMIT 1", entity));
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'survey' AND entity_id = $1 AND user_id IS NOT NULL", entity));
    }

    [Fact]
    public async Task Opening_names_each_bad_field()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        using var bad = await admin.PostAsync(Url("/api/v1/surveys"), Json(new JsonObject
        {
            ["districtCode"] = Yongji,
            ["title"] = " ",
            ["opensOn"] = "2026-13-01",
            ["closesOn"] = InDays(1),
            ["questions"] = new JsonArray("roads", "parking"),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(new[] { "opensOn", "questions", "title" }, (await bad.ErrorFieldsAsync()).Order(StringComparer.Ordinal));

        using var onlyText = await admin.PostAsync(Url("/api/v1/surveys"), Json(Survey(questions: ["suggestions"])));
        Assert.Equal(new[] { "questions" }, await onlyText.ErrorFieldsAsync());
        using var unknown = await admin.PostAsync(Url("/api/v1/surveys"), Json(Survey().Also("colour", "red")));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("colour", await unknown.ErrorFieldsAsync());
    }

    [Fact]
    public async Task An_answer_is_checked_field_by_field_and_counted_once_per_device()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        var id = await OpenAsync(admin);
        using var citizen = registry.CreateClientFromOwnAddress();

        // Devices differ from test to test: the per-device limiter (the reports') counts across tests.
        using (var missing = await AnswerAsync(citizen, id, new JsonObject { ["deviceId"] = Device(1), ["ratings"] = new JsonObject { ["roads"] = 6, ["parking"] = 2 } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            var fields = await missing.ErrorFieldsAsync();
            Assert.Contains("ratings.roads", fields);     // out of the scale
            Assert.Contains("ratings.parking", fields);   // not a question of the survey
            Assert.Contains("ratings.toilets", fields);   // not answered
        }

        using (var tooLong = await AnswerAsync(citizen, id, Answer(Device(1), problems: new string('长', AnswerSurvey.TextMax + 1))))
        {
            Assert.Equal(new[] { "texts.problems" }, await tooLong.ErrorFieldsAsync());
        }

        using (var noDevice = await AnswerAsync(citizen, id, Answer("short")))
        {
            Assert.Equal(new[] { "deviceId" }, await noDevice.ErrorFieldsAsync());
        }

        using (var bot = await AnswerAsync(citizen, id, Answer(Device(1)).Also("website", "http://spam.example")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bot.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(citizen, id, Answer(Device(1), problems: "盲道被车占了"))).StatusCode);
        using var again = await AnswerAsync(citizen, id, Answer(Device(1), roads: 1));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already answered", (string?)(await again.ReadObjectAsync())["detail"], StringComparison.Ordinal);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM survey_answers"));
        // Only a hash of the device key is kept.
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM survey_answers WHERE device_hash LIKE '%device-%'"));
    }

    [Fact]
    public async Task A_survey_takes_answers_only_on_its_days()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        var later = await OpenAsync(admin, Survey(opensOn: InDays(3)));
        var closed = await OpenAsync(admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(Url($"/api/v1/surveys/{closed}/close"), null)).StatusCode);
        using var citizen = registry.CreateClientFromOwnAddress();

        using var early = await AnswerAsync(citizen, later, Answer(Device(101)));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("scheduled", (string?)(await early.ReadObjectAsync())["surveyStatus"]);
        using var late = await AnswerAsync(citizen, closed, Answer(Device(102)));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("closed", (string?)(await late.ReadObjectAsync())["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await AnswerAsync(citizen, 999_999, Answer(Device(103)))).StatusCode);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM survey_answers"));
    }

    [Fact]
    public async Task Results_withhold_counts_below_five_and_the_free_text_is_for_the_districts_staff()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, Yongji);
        using var otherStaff = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        using var anonymous = registry.CreateClient();
        var id = await OpenAsync(admin);

        // Roads: 6 × 4 and 2 × 5 (hidden, and the 6 with it: alone the 2 would be 8 − 6). Toilets: 8 × 3. 8 people.
        using (var citizen = registry.CreateClientFromOwnAddress())
        {
            for (var i = 0; i < 8; i++)
            {
                var response = await AnswerAsync(citizen, id, Answer(Device(200 + i), roads: i < 6 ? 4 : 5, problems: i < 3 ? "第" + i + "条：厕所门太窄" : null));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
        }

        // While it runs, the public sees no figures (answer by answer, they would tell one person's answer).
        var running = await (await anonymous.GetAsync(Url($"/api/v1/surveys/{id}/results"))).ReadObjectAsync();
        Assert.False((bool)running["published"]!);
        Assert.Null(running["responses"]);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(Url($"/api/v1/surveys/{id}/close"), null)).StatusCode);
        var results = await (await anonymous.GetAsync(Url($"/api/v1/surveys/{id}/results"))).ReadObjectAsync();
        Assert.True((bool)results["published"]!);
        Assert.Equal(8, (int)results["responses"]!);
        var questions = results["questions"]!.AsArray().ToDictionary(q => (string)q!["id"]!);
        var roads = questions["roads"]!;
        Assert.Null(roads["distribution"]!["4"]);
        Assert.Null(roads["distribution"]!["5"]);
        Assert.Equal(0, (int)roads["distribution"]!["1"]!);
        Assert.Null(roads["mean"]);
        Assert.Equal(8, (int)roads["answers"]!);
        var toilets = questions["toilets"]!;
        Assert.Equal(8, (int)toilets["distribution"]!["3"]!);
        Assert.Equal(3.0, (double)toilets["mean"]!);
        Assert.Equal(8, (int)questions["complaints"]!["notUsed"]!);
        Assert.Equal(0, (int)questions["complaints"]!["answers"]!);
        var problems = questions["problems"]!;
        Assert.Null(problems["answers"]); // 3 texts: below 5
        Assert.Null(problems["texts"]);
        Assert.DoesNotContain("厕所门太窄", results.ToJsonString(), StringComparison.Ordinal);

        // The district's staff read the text; staff elsewhere and the public do not.
        var staffView = await (await inspector.GetAsync(Url($"/api/v1/surveys/{id}/results"))).ReadObjectAsync();
        Assert.Equal(3, staffView["questions"]!.AsArray().Single(q => (string?)q!["id"] == "problems")!["texts"]!.AsArray().Count);
        Assert.Null((await (await otherStaff.GetAsync(Url($"/api/v1/surveys/{id}/results"))).ReadObjectAsync())["questions"]!.AsArray()
            .Single(q => (string?)q!["id"] == "problems")!["texts"]);
        using (var page = await inspector.GetAsync(Url($"/api/v1/surveys/{id}/texts?question=problems&offset=1&limit=1")))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("第1条：厕所门太窄", (string?)(await page.ReadObjectAsync())["items"]![0]!["text"]);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url($"/api/v1/surveys/{id}/texts?question=problems"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherStaff.GetAsync(Url($"/api/v1/surveys/{id}/texts?question=problems"))).StatusCode);
        Assert.Equal(new[] { "question" }, await (await inspector.GetAsync(Url($"/api/v1/surveys/{id}/texts?question=roads"))).ErrorFieldsAsync());
        Assert.Equal(new[] { "sort" }, await (await anonymous.GetAsync(Url($"/api/v1/surveys/{id}/results?sort=1"))).ErrorFieldsAsync());

        // The same figures for other features: the district's surveys of a period.
        await using var scope = registry.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Accessibility.Api.Data.RegistryDbContext>();
        var year = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var ofDistrict = await SurveyResults.ForDistrictAsync(db, "140800", year.AddDays(-1), year.AddDays(1), SurveyView.Public, TimeProvider.System, CancellationToken.None);
        var one = Assert.Single(ofDistrict.Surveys);
        Assert.Equal(8, one.Responses);
        Assert.Empty((await SurveyResults.ForDistrictAsync(db, "410307", year.AddDays(-1), year.AddDays(1), SurveyView.Public, TimeProvider.System, CancellationToken.None)).Surveys);
    }

    [Theory]
    [InlineData(new[] { 8, 0, 0, 0, 0, 0 }, new[] { false, false, false, false, false, false })]
    [InlineData(new[] { 6, 2, 0, 0, 0, 0 }, new[] { true, true, false, false, false, false })]
    [InlineData(new[] { 6, 3, 4, 9, 0, 0 }, new[] { false, true, true, false, false, false })]
    [InlineData(new[] { 6, 2, 1, 9, 0, 0 }, new[] { true, true, true, false, false, false })]
    public void Suppression_withholds_below_five_and_whatever_would_give_them_back(int[] cells, bool[] hidden) =>
        Assert.Equal(hidden, SurveyResults.Suppress(cells));

    [Fact]
    public async Task The_staff_form_opens_a_survey_without_script_and_shows_its_errors()
    {
        await AuthTestData.CreateUserAsync(registry, "survey-admin", Roles.DistrictAdmin, Yongji);
        using var browser = new StaffBrowser(registry);
        Assert.True(await browser.SignInAsync("survey-admin", AuthTestData.Password));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff/surveys/new")).StatusCode);
        using (var bad = await browser.PostFormAsync("/staff/surveys/new", [
            new("Input.DistrictCode", Yongji), new("Input.Title", ""), new("Input.OpensOn", Today), new("Input.ClosesOn", InDays(10))]))
        {
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
            Assert.Contains("href=\"#Input_Title\"", browser.LastHtml, StringComparison.Ordinal);
            Assert.Contains("href=\"#Input_Questions\"", browser.LastHtml, StringComparison.Ordinal);
        }

        using var good = await browser.PostFormAsync("/staff/surveys/new", [
            new("Input.DistrictCode", Yongji), new("Input.Title", "无障碍满意度调查"), new("Input.OpensOn", Today), new("Input.ClosesOn", InDays(10)),
            new("Input.Questions", "roads"), new("Input.Questions", "problems")]);
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var location = good.Headers.Location!.OriginalString;
        Assert.StartsWith("/staff/surveys/", location, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(location)).StatusCode);
        Assert.Contains("无障碍满意度调查", browser.LastHtml, StringComparison.Ordinal);
        using var closed = await browser.PostFormAsync(location.Split('?')[0] + "?handler=close", []);
        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM surveys WHERE closed_at IS NOT NULL AND questions -> 'questions' @> '[{\"id\": \"problems\"}]'"));
    }
}

/// <summary>Small JSON helpers of these tests.</summary>
internal static class SurveyJson
{
    /// <summary>The object with one more property.</summary>
    public static JsonObject Also(this JsonObject body, string name, string value)
    {
        body[name] = value;
        return body;
    }
}
