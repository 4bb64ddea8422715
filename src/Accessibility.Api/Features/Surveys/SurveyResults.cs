using System.Security.Claims;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

namespace Accessibility.Api.Features.Surveys;

/// <summary>Who reads survey results: the public, or the surveyed district's staff (who also read the free text).</summary>
public enum SurveyView
{
    /// <summary>Anyone: figures of closed surveys only, counts below 5 withheld, no free text.</summary>
    Public,

    /// <summary>Staff of the district: figures while the survey runs too (still withheld below 5), and the free text.</summary>
    Staff,
}

/// <summary>The results of one question.</summary>
/// <param name="Id">Question id (<c>roads</c>).</param>
/// <param name="Kind"><c>rating</c> or <c>text</c>.</param>
/// <param name="Zh">The question in Chinese.</param>
/// <param name="En">The question in English.</param>
/// <param name="Answers">Rating questions: answers from 1 to 5; text questions: texts written. Null when withheld.</param>
/// <param name="Distribution">Answers per point "1"…"5" (rating questions); a null count is withheld.</param>
/// <param name="NotUsed">Answers "does not apply"; null when withheld.</param>
/// <param name="Mean">Mean of the 1–5 answers (two decimals); null when any count of the question is withheld.</param>
/// <param name="Texts">Staff only: the newest texts (text questions), at most <see cref="SurveyResults.TextPage"/>; null for the public.</param>
public sealed record QuestionResult(
    string Id, string Kind, string Zh, string En, int? Answers, IReadOnlyDictionary<string, int?>? Distribution, int? NotUsed, double? Mean,
    IReadOnlyList<SurveyText>? Texts);

/// <summary>The results of one survey.</summary>
/// <param name="SurveyId">Id.</param>
/// <param name="DistrictCode">District surveyed.</param>
/// <param name="DistrictName">Its name.</param>
/// <param name="Title">Title.</param>
/// <param name="OpensOn">First day.</param>
/// <param name="ClosesOn">Last day.</param>
/// <param name="Status">scheduled, open or closed.</param>
/// <param name="Published">Whether figures are given: to the public once the survey has closed, to staff always.</param>
/// <param name="Responses">People who answered; null when fewer than 5 or not published.</param>
/// <param name="Threshold">Counts below this are withheld.</param>
/// <param name="Questions">Per question, in the survey's order.</param>
public sealed record SurveyResultsResponse(
    long SurveyId, string DistrictCode, string DistrictName, string Title, DateOnly OpensOn, DateOnly ClosesOn, string Status, bool Published,
    int? Responses, int Threshold, IReadOnlyList<QuestionResult> Questions);

/// <summary>Survey results of a district for a period: each survey on its own (no sums across surveys, see <see cref="SurveyResults"/>).</summary>
/// <param name="DistrictCode">District asked for (its subdivisions' surveys are included).</param>
/// <param name="From">First day of the period.</param>
/// <param name="To">Last day of the period.</param>
/// <param name="Surveys">Surveys whose days overlap the period, newest first.</param>
public sealed record SurveyDistrictResults(string DistrictCode, DateOnly From, DateOnly To, IReadOnlyList<SurveyResultsResponse> Surveys);

/// <summary>
/// Survey results, for the results endpoint, the staff pages, the annual report and the evaluations. Every count below
/// <see cref="Threshold"/> is withheld, and so many more as make it impossible to get a withheld count back by subtracting
/// from the shown ones and the total (secondary suppression, as <c>SuppressedTable</c> does for households); a mean is given
/// only when no count of its question is withheld (a mean and a total would give two withheld counts back). The public sees
/// figures once a survey has closed: results that changed answer by answer would tell one person's answer by difference.
/// Results of several surveys are never summed for the same reason (the sum minus one survey would be the other).
/// </summary>
public static class SurveyResults
{
    /// <summary>Counts below this are withheld.</summary>
    public const int Threshold = 5;

    /// <summary>Texts per page.</summary>
    public const int TextPage = 20;

    /// <summary>The view of <paramref name="user"/> on a survey of <paramref name="districtCode"/>: staff when the rule table lets them read its free text.</summary>
    public static SurveyView ViewOf(ClaimsPrincipal user, string districtCode) =>
        AccessRules.Allows(user, Operations.ReadPersonal.Name, RegistryResource.In(ResourceKinds.Survey, districtCode)) ? SurveyView.Staff : SurveyView.Public;

    /// <summary>
    /// The survey results of <paramref name="districtCode"/> and its subdivisions for the surveys whose days overlap
    /// <paramref name="from"/>–<paramref name="to"/> (e.g. a year for the annual report, a plan period for an evaluation).
    /// </summary>
    public static async Task<SurveyDistrictResults> ForDistrictAsync(
        RegistryDbContext db, string districtCode, DateOnly from, DateOnly to, SurveyView view, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(districtCode);
        var connection = await OpenSurvey.Connection(db, ct);
        var surveys = await SurveySql.ListAsync(connection, [DistrictScope.Prefix(districtCode) + "%"], from, to, 200, ct);
        var results = new List<SurveyResultsResponse>();
        foreach (var survey in surveys)
        {
            results.Add(await OfAsync(connection, survey, view, OpenSurvey.Today(clock), ct));
        }

        return new SurveyDistrictResults(districtCode, from, to, results);
    }

    /// <summary>The results of <paramref name="survey"/> as <paramref name="view"/> sees them.</summary>
    public static async Task<SurveyResultsResponse> OfAsync(NpgsqlConnection connection, SurveyRecord survey, SurveyView view, DateOnly today, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(survey);
        var status = survey.Status(today);
        var published = view == SurveyView.Staff || status == SurveyStatuses.Closed;
        var rated = published ? await SurveySql.RatingCountsAsync(connection, survey.Id, ct) : [];
        var written = published ? await SurveySql.TextCountsAsync(connection, survey.Id, ct) : new Dictionary<string, int>();
        var enough = published && survey.Responses >= Threshold;
        var questions = new List<QuestionResult>();
        foreach (var q in survey.Questions.Questions)
        {
            if (q.Kind == SurveyQuestion.Text)
            {
                var n = written.GetValueOrDefault(q.Id);
                var texts = view == SurveyView.Staff ? await SurveySql.TextsAsync(connection, survey.Id, q.Id, 0, TextPage, ct) : null;
                questions.Add(new QuestionResult(q.Id, q.Kind, q.Zh, q.En, enough && n >= Threshold ? n : null, null, null, null, texts));
                continue;
            }

            // Cells 1–5, then "does not apply"; every answer of the survey is in exactly one (ratings are required).
            var cells = new int[6];
            foreach (var (_, rating, count) in rated.Where(r => r.Question == q.Id))
            {
                cells[rating == 0 ? 5 : rating - 1] = count;
            }

            var hidden = enough ? Suppress(cells) : [true, true, true, true, true, true];
            var distribution = new Dictionary<string, int?>(StringComparer.Ordinal);
            for (var i = 0; i < 5; i++)
            {
                distribution[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = hidden[i] ? null : cells[i];
            }

            var answers = cells[..5].Sum();
            // The total of the question is the survey's responses: 1–5 answers = total − "does not apply", known when that is.
            int? shownAnswers = enough && !hidden[5] && answers >= Threshold ? answers : enough && !hidden[5] && answers == 0 ? 0 : null;
            double? mean = enough && answers >= Threshold && !hidden[..5].Any(h => h)
                ? Math.Round(cells[..5].Select((c, i) => c * (i + 1.0)).Sum() / answers, 2)
                : null;
            questions.Add(new QuestionResult(q.Id, q.Kind, q.Zh, q.En, shownAnswers, distribution, hidden[5] ? null : cells[5], mean, null));
        }

        return new SurveyResultsResponse(survey.Id, survey.DistrictCode, survey.DistrictName, survey.Title, survey.OpensOn, survey.ClosesOn, status,
            published, enough ? survey.Responses : null, Threshold, questions);
    }

    /// <summary>
    /// Which of <paramref name="cells"/> (whose total is published) to withhold: every count from 1 to
    /// <see cref="Threshold"/> − 1, then the smallest shown non-zero counts until the withheld ones are none, or at least two
    /// adding up to <see cref="Threshold"/> or more (one alone would be the total minus the others). Zeros are shown.
    /// </summary>
    public static bool[] Suppress(IReadOnlyList<int> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var hidden = cells.Select(c => c is > 0 and < Threshold).ToArray();
        while (true)
        {
            var count = hidden.Count(h => h);
            var sum = cells.Where((_, i) => hidden[i]).Sum();
            if (count == 0 || (count > 1 && sum >= Threshold))
            {
                return hidden;
            }

            var next = Enumerable.Range(0, cells.Count).Where(i => !hidden[i] && cells[i] > 0).OrderBy(i => cells[i]).FirstOrDefault(-1);
            if (next < 0)
            {
                return hidden;
            }

            hidden[next] = true;
        }
    }
}
