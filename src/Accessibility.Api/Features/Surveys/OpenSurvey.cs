using System.Globalization;
using System.Text.Json.Serialization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Surveys;

/// <summary>Body of opening a survey.</summary>
/// <param name="DistrictCode">The district surveyed (county level or above).</param>
/// <param name="Title">Title shown to the public.</param>
/// <param name="OpensOn">First day answers are taken (yyyy-MM-dd, China Standard Time).</param>
/// <param name="ClosesOn">Last day answers are taken.</param>
/// <param name="Questions">Ids of the template's questions to ask; null: all of them.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OpenSurveyRequest(string? DistrictCode, string? Title, string? OpensOn, string? ClosesOn, IReadOnlyList<string>? Questions);

/// <summary>Use case: a district administrator opens a survey of the district for a period, with questions from the template (audited).</summary>
public sealed class OpenSurvey(RegistryDbContext db, AuditLog audit, SurveyTemplate template, TimeProvider clock)
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "survey";

    /// <summary>Longest title.</summary>
    public const int TitleMax = 200;

    /// <summary>Longest answering period.</summary>
    public const int MaxDays = 366;

    /// <summary>Opens the survey of <paramref name="request"/>; its id when done.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, OpenSurveyRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        string? code = null;
        if (string.IsNullOrWhiteSpace(request.DistrictCode))
        {
            errors.Add("districtCode", "Required: the code of the district surveyed.");
        }
        else if (!DistrictCodes.TryNormalize(request.DistrictCode, out var normalized)
                 || !await db.Districts.AnyAsync(d => d.Code == normalized && d.Level != DistrictLevel.Township, ct))
        {
            errors.Add("districtCode", "No county-level or higher district has this code.");
        }
        else
        {
            code = normalized;
        }

        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title))
        {
            errors.Add("title", "Required: the title people see.");
        }
        else if (title.Length > TitleMax)
        {
            errors.Add("title", "At most " + TitleMax.ToString(CultureInfo.InvariantCulture) + " characters.");
        }

        var today = Today(clock);
        var opens = Date(request.OpensOn, "opensOn", errors);
        var closes = Date(request.ClosesOn, "closesOn", errors);
        if (opens is { } o && o < today)
        {
            errors.Add("opensOn", "The first day cannot lie in the past.");
        }

        if (opens is { } first && closes is { } last)
        {
            if (last < first)
            {
                errors.Add("closesOn", "The last day cannot come before the first day.");
            }
            else if (last.DayNumber - first.DayNumber >= MaxDays)
            {
                errors.Add("closesOn", "A survey runs at most a year.");
            }
        }

        var chosen = new List<SurveyQuestion>();
        foreach (var questionId in request.Questions ?? template.File_.Questions.Select(q => q.Id).ToList())
        {
            if (template.Question(questionId ?? "") is not { } question)
            {
                errors.Add("questions", "No question " + questionId + " in the template.");
            }
            else if (!chosen.Contains(question))
            {
                chosen.Add(question);
            }
        }

        if (!errors.Has("questions") && !chosen.Any(q => q.Kind == SurveyQuestion.Rating))
        {
            errors.Add("questions", "Choose at least one 1–5 question.");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<long>.Invalid(errors);
        }

        if (await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.Survey, code!)) is { } denied)
        {
            return Outcome<long>.Refused(denied);
        }

        // Frozen in the template's order, whatever order they were chosen in.
        var questions = template.File_ with { Questions = [.. template.File_.Questions.Where(chosen.Contains)] };
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = await Connection(db, ct);
        var id = await SurveySql.InsertAsync(connection, code!, title!, opens!.Value, closes!.Value, questions, UserPrincipal.UserId(http.User), now, ct);
        audit.Record(http, AuditActions.Create, AuditEntityType, id.ToString(CultureInfo.InvariantCulture), null, new
        {
            DistrictCode = code,
            Title = title,
            OpensOn = opens,
            ClosesOn = closes,
            Questions = questions.Questions.Select(q => q.Id).ToArray(),
            TemplateVersion = questions.Version,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<long>.Done(id);
    }

    /// <summary>Today in China Standard Time: a survey's days are days there.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
    }

    /// <summary>The context's own connection, opened, so SQL runs in the context's transaction.</summary>
    internal static async Task<NpgsqlConnection> Connection(RegistryDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }

    private static DateOnly? Date(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, "Required: a date (yyyy-MM-dd).");
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(field, "Expected a date (yyyy-MM-dd), e.g. 2026-12-31.");
        return null;
    }
}
