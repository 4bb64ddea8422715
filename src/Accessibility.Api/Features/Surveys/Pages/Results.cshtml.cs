using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Surveys.Pages;

/// <summary>One survey: its results (counts below 5 withheld), its free text page by page, and closing it early.</summary>
[StaffAccess(ResourceKinds.Survey, "read-personal")]
public sealed class ResultsModel(RegistryDbContext db, CloseSurvey close, TimeProvider clock) : StaffPageModel
{
    /// <summary>The survey.</summary>
    public SurveyRecord Survey { get; private set; } = null!;

    /// <summary>Its results as staff see them.</summary>
    public SurveyResultsResponse Results { get; private set; } = null!;

    /// <summary>The free-text question paged through, or null.</summary>
    public string? TextQuestion { get; private set; }

    /// <summary>The page of free text shown (1-based).</summary>
    public int TextPageNumber { get; private set; } = 1;

    /// <summary>That page's texts.</summary>
    public IReadOnlyList<SurveyText> Texts { get; private set; } = [];

    /// <summary>Whether a next page exists.</summary>
    public bool HasNextPage { get; private set; }

    /// <summary>Whether the caller may close the survey now.</summary>
    public bool MayClose { get; private set; }

    /// <summary>What was just done (opened, closed), for the notice.</summary>
    public string? Notice { get; private set; }

    /// <summary>Shows the survey; <paramref name="question"/> and <paramref name="page"/> page through one question's free text.</summary>
    public async Task<IActionResult> OnGetAsync(long id, string? done, string? question, int? page, CancellationToken ct)
    {
        Notice = done is "opened" or "closed" ? done : null;
        return await LoadAsync(id, question, page, ct) ?? Page();
    }

    /// <summary>Closes the survey now.</summary>
    public async Task<IActionResult> OnPostCloseAsync(long id, CancellationToken ct)
    {
        var outcome = await close.RunAsync(HttpContext, id, ct);
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                return Redirect("/staff/surveys/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "?done=closed");
            case OutcomeKind.NotFound:
                return NotFoundPage();
            case OutcomeKind.Refused:
                return ForbiddenPage();
            default:
                AddServiceErrors(outcome.Errors!.ToDictionary(), "");
                return await LoadAsync(id, null, null, ct) ?? Page();
        }
    }

    private async Task<IActionResult?> LoadAsync(long id, string? question, int? page, CancellationToken ct)
    {
        var connection = await OpenSurvey.Connection(db, ct);
        if (await SurveySql.GetAsync(connection, id, ct) is not { } survey)
        {
            return NotFoundPage();
        }

        if (!await HttpContext.MayAsync(Operations.ReadPersonal, RegistryResource.In(ResourceKinds.Survey, survey.DistrictCode)))
        {
            return ForbiddenPage();
        }

        var today = OpenSurvey.Today(clock);
        Survey = survey;
        Results = await SurveyResults.OfAsync(connection, survey, SurveyView.Staff, today, ct);
        MayClose = survey.Status(today) != SurveyStatuses.Closed
            && await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.Survey, survey.DistrictCode));
        if (question is not null && survey.Questions.Questions.Any(q => q.Id == question && q.Kind == SurveyQuestion.Text))
        {
            TextQuestion = question;
            TextPageNumber = Math.Clamp(page ?? 1, 1, 100_000);
            var texts = await SurveySql.TextsAsync(connection, id, question, (TextPageNumber - 1) * SurveyResults.TextPage, SurveyResults.TextPage + 1, ct);
            HasNextPage = texts.Count > SurveyResults.TextPage;
            Texts = [.. texts.Take(SurveyResults.TextPage)];
        }

        return null;
    }

    /// <summary>A question's wording in the page's language.</summary>
    public static string Wording(QuestionResult q) =>
        StringCatalog.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture) == "en" ? q.En : q.Zh;
}
