using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Reports;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Surveys;

/// <summary>Body of an answer.</summary>
/// <param name="DeviceId">The answering device's key (random, kept by the page): one answer per device per survey.</param>
/// <param name="Ratings">Per rating question: 1–5, or <c>"not-used"</c> (does not apply). Every rating question is answered.</param>
/// <param name="Texts">Per free-text question: the text (optional).</param>
/// <param name="Language">zh or en: the language the questions were read in.</param>
/// <param name="Website">The honeypot of the reports' intake (<see cref="ReportIntake.Honeypot"/>): people leave it empty.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SurveyAnswerRequest(
    string? DeviceId, IReadOnlyDictionary<string, JsonElement>? Ratings, IReadOnlyDictionary<string, string?>? Texts, string? Language, string? Website);

/// <summary>An accepted answer.</summary>
/// <param name="SurveyId">The survey.</param>
/// <param name="AnsweredAt">When it was stored.</param>
public sealed record SurveyAnswerResponse(long SurveyId, DateTimeOffset AnsweredAt);

/// <summary>
/// Use case: anyone answers an open survey, once per device. The abuse limits are the reports' own: the per-IP limiter
/// (the route's rate-limit policy), the per-device limiter (<see cref="ReportDeviceLimiter"/>) and the honeypot field.
/// Only a hash of the device key is stored.
/// </summary>
public sealed class AnswerSurvey(RegistryDbContext db, ReportDeviceLimiter devices, TimeProvider clock)
{
    /// <summary>The value of a rating that says "does not apply".</summary>
    public const string NotUsed = "not-used";

    /// <summary>Longest free-text answer.</summary>
    public const int TextMax = 2000;

    /// <summary>Shortest and longest device key.</summary>
    public const int DeviceMin = 16, DeviceMax = 100;

    /// <summary>Stores the answer, or says why not (400 by field, 404, 409 closed or answered already, 429).</summary>
    public async Task<Outcome<SurveyAnswerResponse>> RunAsync(HttpContext http, long surveyId, SurveyAnswerRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(request.Website))
        {
            return Outcome<SurveyAnswerResponse>.Invalid(new FieldErrors().Add(ReportIntake.Honeypot, "Request refused."));
        }

        var device = request.DeviceId?.Trim();
        if (string.IsNullOrEmpty(device) || device.Length is < DeviceMin or > DeviceMax)
        {
            return Outcome<SurveyAnswerResponse>.Invalid(new FieldErrors().Add("deviceId",
                "Required: the device's key, " + DeviceMin.ToString(CultureInfo.InvariantCulture) + " to " + DeviceMax.ToString(CultureInfo.InvariantCulture) + " characters."));
        }

        // The reports' per-device limiter, in its own partition: answering a survey does not use up a device's reports.
        if (devices.TryAcquire("survey:" + device) is { } wait)
        {
            http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            return Outcome<SurveyAnswerResponse>.Conflict(null, Problem(StatusCodes.Status429TooManyRequests, "Too many requests",
                "Too many answers from this device; try again later.", ("retryAfter", wait)));
        }

        var connection = await OpenSurvey.Connection(db, ct);
        if (await SurveySql.GetAsync(connection, surveyId, ct) is not { } survey)
        {
            return Outcome<SurveyAnswerResponse>.NotFound();
        }

        var status = survey.Status(OpenSurvey.Today(clock));
        if (status != SurveyStatuses.Open)
        {
            return Outcome<SurveyAnswerResponse>.Conflict(null, Problem(StatusCodes.Status409Conflict, "Survey not open",
                status == SurveyStatuses.Scheduled
                    ? "This survey opens on " + survey.OpensOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "; answers are taken from then."
                    : "This survey is closed and takes no more answers.", ("surveyStatus", status)));
        }

        var errors = new FieldErrors();
        var ratings = new Dictionary<string, int>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var given = request.Ratings ?? new Dictionary<string, JsonElement>();
        foreach (var (id, value) in given)
        {
            if (!survey.Questions.Questions.Any(q => q.Id == id && q.Kind == SurveyQuestion.Rating))
            {
                errors.Add("ratings." + id, "This survey has no 1–5 question " + id + ".");
            }
            else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 1 and <= 5)
            {
                ratings[id] = n;
            }
            else if (value.ValueKind == JsonValueKind.String && value.GetString() == NotUsed)
            {
                ratings[id] = 0;
            }
            else
            {
                errors.Add("ratings." + id, "Expected a whole number from 1 to 5, or \"not-used\".");
            }
        }

        foreach (var question in survey.Questions.Questions.Where(q => q.Kind == SurveyQuestion.Rating && !given.ContainsKey(q.Id)))
        {
            errors.Add("ratings." + question.Id, "Required: choose 1 to 5, or \"does not apply\".");
        }

        foreach (var (id, value) in request.Texts ?? new Dictionary<string, string?>())
        {
            var text = value?.Trim();
            if (!survey.Questions.Questions.Any(q => q.Id == id && q.Kind == SurveyQuestion.Text))
            {
                errors.Add("texts." + id, "This survey has no free-text question " + id + ".");
            }
            else if (text?.Length > TextMax)
            {
                errors.Add("texts." + id, "At most " + TextMax.ToString(CultureInfo.InvariantCulture) + " characters.");
            }
            else if (!string.IsNullOrEmpty(text))
            {
                texts[id] = text;
            }
        }

        if (request.Language is not (null or "zh" or "en"))
        {
            errors.Add("language", "Expected zh or en.");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<SurveyAnswerResponse>.Invalid(errors);
        }

        var now = clock.GetUtcNow();
        if (!await SurveySql.InsertAnswerAsync(connection, surveyId, ApiTokens.Hash(device), ratings, texts, request.Language, now, ct))
        {
            return Outcome<SurveyAnswerResponse>.Conflict(null, Problem(StatusCodes.Status409Conflict, "Answered already",
                "This device has already answered this survey. Only one answer per device is counted; thank you for taking part.", ("answered", true)));
        }

        return Outcome<SurveyAnswerResponse>.Done(new SurveyAnswerResponse(surveyId, now));
    }

    private static IResult Problem(int status, string title, string detail, (string Key, object Value) extension) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { [extension.Key] = extension.Value });
}
