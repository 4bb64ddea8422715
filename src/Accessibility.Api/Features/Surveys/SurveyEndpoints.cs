using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Reports;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

namespace Accessibility.Api.Features.Surveys;

/// <summary>A survey as listed and as the answer page reads it.</summary>
/// <param name="Id">Id.</param>
/// <param name="DistrictCode">District surveyed.</param>
/// <param name="DistrictName">Its name.</param>
/// <param name="Title">Title.</param>
/// <param name="OpensOn">First day answers are taken.</param>
/// <param name="ClosesOn">Last day answers are taken.</param>
/// <param name="Status">scheduled, open or closed.</param>
/// <param name="ClosedAt">When it was closed early.</param>
/// <param name="Questions">The questions, scale and labels it asks with.</param>
public sealed record SurveyResponse(
    long Id, string DistrictCode, string DistrictName, string Title, DateOnly OpensOn, DateOnly ClosesOn, string Status, DateTimeOffset? ClosedAt,
    SurveyTemplateFile Questions)
{
    /// <summary>The response of <paramref name="s"/> on <paramref name="today"/>.</summary>
    public static SurveyResponse From(SurveyRecord s, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.DistrictCode, s.DistrictName, s.Title, s.OpensOn, s.ClosesOn, s.Status(today), s.ClosedAt, s.Questions);
    }
}

/// <summary>A list of surveys.</summary>
/// <param name="Items">Newest first.</param>
public sealed record SurveyList(IReadOnlyList<SurveyResponse> Items);

/// <summary>A page of free-text answers.</summary>
/// <param name="SurveyId">Survey.</param>
/// <param name="Question">Question id.</param>
/// <param name="Offset">Texts skipped.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Items">Newest first.</param>
public sealed record SurveyTextPage(long SurveyId, string Question, int Offset, int Limit, IReadOnlyList<SurveyText> Items);

/// <summary>
/// <c>/api/v1/surveys</c>: the social satisfaction survey (社会满意度调查). District administrators open and close surveys of
/// their districts; anyone lists them and answers an open one (once per device, with the reports' abuse limits); results
/// are public with counts below 5 withheld; the free text is for the district's staff.
/// </summary>
public static class SurveyEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapSurveyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/surveys").WithTags("Surveys");
        group.MapGet("", List).WithName("ListSurveys").RequireAccess(ResourceKinds.Survey, Operations.Read)
            .WithSummary("Surveys of a district and its subdivisions (district=), optionally of one status (status=open).")
            .Produces<SurveyList>().ProducesValidationProblem();
        group.MapGet("template", GetTemplate).WithName("SurveyTemplate").RequireAccess(ResourceKinds.Survey, Operations.Read)
            .WithSummary("The questions a survey is opened with (data/survey-template.json), in Chinese and English, with their source.")
            .Produces<SurveyTemplateFile>();
        group.MapGet("results", DistrictResults).WithName("SurveyResultsOfDistrict").RequireAccess(ResourceKinds.Survey, Operations.Read)
            .WithSummary("Results of the surveys of a district and its subdivisions (district=) whose days overlap a period (from=, to=, yyyy-MM-dd): the annual report's and the evaluations' figures.")
            .Produces<SurveyDistrictResults>().ProducesValidationProblem();
        group.MapPost("", Open).WithName("OpenSurvey").RequireAccess(ResourceKinds.Survey, Operations.Create)
            .WithSummary("Opens a survey of a district for a period with questions from the template (the district's administrator).")
            .Accepts<OpenSurveyRequest>("application/json").Produces<SurveyResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("{id:long}", Get).WithName("GetSurvey").RequireAccess(ResourceKinds.Survey, Operations.Read)
            .WithSummary("One survey with its questions, as the answer page shows them.")
            .Produces<SurveyResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("{id:long}/close", Close).WithName("CloseSurvey").RequireAccess(ResourceKinds.Survey, Operations.Update)
            .WithSummary("Closes a survey before its last day (the district's administrator).")
            .Produces<SurveyResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("{id:long}/answers", Respond).WithName("AnswerSurvey").RequireAccess(ResourceKinds.SurveyAnswer, Operations.Create)
            .WithSummary("Answers an open survey (anyone; one answer per device; the reports' rate limits and honeypot).")
            .Accepts<SurveyAnswerRequest>("application/json").Produces<SurveyAnswerResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(Open311Endpoints.RateLimitPolicy);
        group.MapGet("{id:long}/results", GetResults).WithName("SurveyResults").RequireAccess(ResourceKinds.Survey, Operations.Read)
            .WithSummary("Results per question: answers, distribution over 1–5 and mean, counts below 5 withheld; public once closed; the district's staff also get the newest free text.")
            .Produces<SurveyResultsResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("{id:long}/texts", Texts).WithName("SurveyTexts").RequireAccess(ResourceKinds.Survey, Operations.ReadPersonal)
            .WithSummary("The free-text answers to one question (question=), newest first, paged (offset=, limit=): the district's staff.")
            .Produces<SurveyTextPage>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> List(HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Unknown(q, errors, "district", "status", "limit");
        string? prefix = null;
        if (q["district"].ToString() is { Length: > 0 } district)
        {
            if (DistrictCodes.TryNormalize(district, out var code))
            {
                prefix = DistrictScope.Prefix(code);
            }
            else
            {
                errors["district"] = ["Expected a GB/T 2260 district code, e.g. 140881."];
            }
        }

        var status = q["status"].ToString() is { Length: > 0 } s ? s : null;
        if (status is not null && !SurveyStatuses.All.Contains(status, StringComparer.Ordinal))
        {
            errors["status"] = ["Expected scheduled, open or closed."];
        }

        var limit = Paging.ParseInt(q["limit"], "limit", 100, 1, 500, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var today = OpenSurvey.Today(clock);
        var surveys = await SurveySql.ListAsync(connection, prefix is null ? null : [prefix + "%"], null, null, limit, ct, status, today);
        var items = surveys.Select(x => SurveyResponse.From(x, today)).ToList();
        return TypedResults.Ok(new SurveyList(items));
    }

    private static async Task<IResult> DistrictResults(HttpContext http, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Unknown(q, errors, "district", "from", "to");
        if (!DistrictCodes.TryNormalize(q["district"].ToString(), out var code))
        {
            errors["district"] = ["Required: a GB/T 2260 district code, e.g. 140881."];
        }

        var from = Day(q["from"].ToString(), "from", errors);
        var to = Day(q["to"].ToString(), "to", errors);
        if (from > to)
        {
            errors["to"] = ["The period cannot end before it starts."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Free text is left out here: these figures go into public documents (the annual report, evaluations).
        var results = await SurveyResults.ForDistrictAsync(db, code, from, to, SurveyView.Public, clock, ct);
        return TypedResults.Ok(results);
    }

    private static DateOnly Day(string text, string field, Dictionary<string, string[]> errors)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors[field] = ["Required: a date (yyyy-MM-dd)."];
        return default;
    }

    private static IResult GetTemplate(SurveyTemplate template) => TypedResults.Ok(template.File_);

    private static async Task<IResult> Open(HttpContext http, OpenSurvey open, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<OpenSurveyRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var outcome = await open.RunAsync(http, request, ct);
        if (!outcome.IsDone)
        {
            return Refusal(outcome, 0);
        }

        var dataSource = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var survey = (await SurveySql.GetAsync(connection, outcome.Value, ct))!;
        return TypedResults.Created("/api/v1/surveys/" + Id(survey.Id), SurveyResponse.From(survey, OpenSurvey.Today(clock)));
    }

    private static async Task<IResult> Get(long id, HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        if (NoParameters(http) is { } bad)
        {
            return bad;
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await SurveySql.GetAsync(connection, id, ct) is { } survey
            ? TypedResults.Ok(SurveyResponse.From(survey, OpenSurvey.Today(clock)))
            : NotFound(id);
    }

    private static async Task<IResult> Close(long id, HttpContext http, CloseSurvey close, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await close.RunAsync(http, id, ct);
        return outcome.IsDone ? TypedResults.Ok(SurveyResponse.From(outcome.Value!, OpenSurvey.Today(clock))) : Refusal(outcome, id);
    }

    private static async Task<IResult> Respond(long id, HttpContext http, AnswerSurvey answer, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<SurveyAnswerRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var outcome = await answer.RunAsync(http, id, request, ct);
        return outcome.IsDone ? TypedResults.Created("/api/v1/surveys/" + Id(id) + "/results", outcome.Value) : Refusal(outcome, id);
    }

    private static async Task<IResult> GetResults(long id, HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        if (NoParameters(http) is { } bad)
        {
            return bad;
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await SurveySql.GetAsync(connection, id, ct) is not { } survey)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(await SurveyResults.OfAsync(connection, survey, SurveyResults.ViewOf(http.User, survey.DistrictCode), OpenSurvey.Today(clock), ct));
    }

    private static async Task<IResult> Texts(long id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Unknown(q, errors, "question", "offset", "limit");
        var offset = Paging.ParseInt(q["offset"], "offset", 0, 0, 1_000_000, errors);
        var limit = Paging.ParseInt(q["limit"], "limit", SurveyResults.TextPage, 1, 200, errors);
        var question = q["question"].ToString();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await SurveySql.GetAsync(connection, id, ct) is not { } survey)
        {
            return NotFound(id);
        }

        if (await http.AuthorizeAsync(Operations.ReadPersonal, RegistryResource.In(ResourceKinds.Survey, survey.DistrictCode)) is { } denied)
        {
            return denied;
        }

        if (!survey.Questions.Questions.Any(x => x.Id == question && x.Kind == SurveyQuestion.Text))
        {
            errors["question"] = ["Expected the id of one of the survey's free-text questions: "
                + string.Join(", ", survey.Questions.Questions.Where(x => x.Kind == SurveyQuestion.Text).Select(x => x.Id)) + "."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var items = await SurveySql.TextsAsync(connection, id, question, offset, limit, ct);
        return TypedResults.Ok(new SurveyTextPage(id, question, offset, limit, items));
    }

    /// <summary>The API's answer to an outcome that is not done.</summary>
    private static IResult Refusal<T>(Outcome<T> outcome, long id) => outcome.Kind switch
    {
        OutcomeKind.Invalid => outcome.Errors!.ToResult(StatusCodes.Status400BadRequest),
        OutcomeKind.Refused or OutcomeKind.Conflict when outcome.Refusal is not null => outcome.Refusal,
        OutcomeKind.Conflict => outcome.Errors!.ToResult(StatusCodes.Status409Conflict),
        _ => NotFound(id),
    };

    private static IResult? NoParameters(HttpContext http)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Unknown(http.Request.Query, errors);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : null;
    }

    private static void Unknown(IQueryCollection query, Dictionary<string, string[]> errors, params string[] known)
    {
        foreach (var key in query.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)))
        {
            errors[key] = ["Unknown parameter" + (known.Length > 0 ? "; expected " + string.Join(", ", known) + "." : ".")];
        }
    }

    private static IResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No survey " + Id(id) + ".");

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
