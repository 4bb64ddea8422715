using System.Text.Json;
using System.Text.Json.Serialization;

namespace Accessibility.Api.Features.Surveys;

/// <summary>Wording in both languages.</summary>
/// <param name="Zh">Chinese.</param>
/// <param name="En">English.</param>
public sealed record Wording(string Zh, string En);

/// <summary>One point of the 1–5 scale.</summary>
/// <param name="Value">1 (very unhappy) to 5 (very happy).</param>
/// <param name="Zh">Label in Chinese.</param>
/// <param name="En">Label in English.</param>
public sealed record ScalePoint(int Value, string Zh, string En);

/// <summary>A question: a 1–5 rating (with "does not apply") or free text.</summary>
/// <param name="Id">Stable id across surveys (<c>roads</c>), so results of several surveys add up.</param>
/// <param name="Kind"><c>rating</c> or <c>text</c>.</param>
/// <param name="Zh">The question in Chinese.</param>
/// <param name="En">The question in English.</param>
/// <param name="Hint">A plain-language hint.</param>
public sealed record SurveyQuestion(string Id, string Kind, string Zh, string En, Wording? Hint)
{
    /// <summary>Kind of a 1–5 question.</summary>
    public const string Rating = "rating";

    /// <summary>Kind of a free-text question.</summary>
    public const string Text = "text";
}

/// <summary>The template file <c>data/survey-template.json</c>.</summary>
/// <param name="Version">Version of the wording; a survey keeps the one it was opened with.</param>
/// <param name="Source">Where the questions come from.</param>
/// <param name="Scale">The five points.</param>
/// <param name="NotUsed">Label of "does not apply".</param>
/// <param name="Questions">Every question, in order.</param>
public sealed record SurveyTemplateFile(string Version, Wording Source, IReadOnlyList<ScalePoint> Scale, Wording NotUsed, IReadOnlyList<SurveyQuestion> Questions);

/// <summary>
/// The questions a district administrator chooses from (<c>data/survey-template.json</c>). A survey freezes the chosen
/// questions, the scale and the labels as JSON when it opens, so a later change of the template never changes what
/// people answered.
/// </summary>
public sealed class SurveyTemplate
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Loads and checks the template file.</summary>
    public SurveyTemplate(string path)
    {
        using var stream = File.OpenRead(path);
        File_ = JsonSerializer.Deserialize<SurveyTemplateFile>(stream, Json) ?? throw new InvalidDataException(path + " is empty.");
        if (File_.Scale.Select(p => p.Value).SequenceEqual([1, 2, 3, 4, 5]) is false
            || File_.Questions.Any(q => q.Kind is not (SurveyQuestion.Rating or SurveyQuestion.Text) || string.IsNullOrWhiteSpace(q.Zh) || string.IsNullOrWhiteSpace(q.En))
            || File_.Questions.Select(q => q.Id).Distinct(StringComparer.Ordinal).Count() != File_.Questions.Count)
        {
            throw new InvalidDataException(path + ": the scale must be 1–5 and every question needs a unique id, a kind (rating, text) and both languages.");
        }
    }

    /// <summary>The whole file, as served by <c>GET /api/v1/surveys/template</c>.</summary>
    public SurveyTemplateFile File_ { get; }

    /// <summary>The question with this id, or null.</summary>
    public SurveyQuestion? Question(string id) => File_.Questions.FirstOrDefault(q => string.Equals(q.Id, id, StringComparison.Ordinal));
}
