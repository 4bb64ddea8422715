using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Surveys;

/// <summary>A survey as stored, with its district's name and how many have answered.</summary>
/// <param name="Id">Id.</param>
/// <param name="DistrictCode">GB/T 2260 code of the district surveyed.</param>
/// <param name="DistrictName">Its name.</param>
/// <param name="Title">Title shown to the public.</param>
/// <param name="OpensOn">First day answers are taken (China Standard Time).</param>
/// <param name="ClosesOn">Last day answers are taken.</param>
/// <param name="Questions">The questions, scale and labels frozen when the survey opened.</param>
/// <param name="OpenedAt">When the administrator opened it.</param>
/// <param name="ClosedAt">When it was closed early, or null.</param>
/// <param name="Responses">Answers so far.</param>
public sealed record SurveyRecord(
    long Id, string DistrictCode, string DistrictName, string Title, DateOnly OpensOn, DateOnly ClosesOn,
    SurveyTemplateFile Questions, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt, int Responses)
{
    /// <summary><c>scheduled</c> (before its first day), <c>open</c>, or <c>closed</c> (after its last day, or closed early).</summary>
    public string Status(DateOnly today) =>
        ClosedAt is not null || today > ClosesOn ? SurveyStatuses.Closed : today < OpensOn ? SurveyStatuses.Scheduled : SurveyStatuses.Open;
}

/// <summary>The states of a survey.</summary>
public static class SurveyStatuses
{
    /// <summary>Opened by the administrator, first day still ahead.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>Taking answers.</summary>
    public const string Open = "open";

    /// <summary>No longer taking answers.</summary>
    public const string Closed = "closed";

    /// <summary>Every state.</summary>
    public static readonly IReadOnlyList<string> All = [Scheduled, Open, Closed];
}

/// <summary>One free-text answer.</summary>
/// <param name="AnsweredAt">When.</param>
/// <param name="Text">What was written.</param>
public sealed record SurveyText(DateTimeOffset AnsweredAt, string Text);

/// <summary>Every SQL statement of the survey feature (tables from migration <c>20261207076000_Surveys</c>).</summary>
public static class SurveySql
{
    /// <summary>How the frozen questions are stored (camelCase JSON).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Columns = """
        s.id, s.district_code, d.name, s.title, s.opens_on, s.closes_on, s.questions::text, s.opened_at, s.closed_at,
        (SELECT count(*)::int FROM survey_answers a WHERE a.survey_id = s.id)
        FROM surveys s JOIN districts d ON d.code = s.district_code
        """;

    /// <summary>Stores a new survey; returns its id.</summary>
    public static async Task<long> InsertAsync(
        NpgsqlConnection connection, string districtCode, string title, DateOnly opensOn, DateOnly closesOn, SurveyTemplateFile questions,
        long? openedBy, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO surveys (district_code, title, opens_on, closes_on, questions, opened_by, opened_at)
            VALUES (@district, @title, @opens, @closes, @questions, @by, @now) RETURNING id
            """, connection);
        command.Parameters.AddWithValue("district", districtCode);
        command.Parameters.AddWithValue("title", title);
        command.Parameters.AddWithValue("opens", opensOn);
        command.Parameters.AddWithValue("closes", closesOn);
        command.Parameters.Add(new NpgsqlParameter("questions", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(questions, Json) });
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = (object?)openedBy ?? DBNull.Value });
        command.Parameters.AddWithValue("now", now);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One survey, or null.</summary>
    public static async Task<SurveyRecord?> GetAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT " + Columns + " WHERE s.id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        var found = await ReadAsync(command, ct);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>
    /// Surveys of the districts under the code prefixes <paramref name="likePatterns"/> (null: all), whose days overlap
    /// <paramref name="from"/>–<paramref name="to"/> when given, in <paramref name="status"/> on <paramref name="today"/> when
    /// given (<see cref="SurveyRecord.Status"/> in SQL); newest first.
    /// </summary>
    public static async Task<IReadOnlyList<SurveyRecord>> ListAsync(
        NpgsqlConnection connection, string[]? likePatterns, DateOnly? from, DateOnly? to, int limit, CancellationToken ct,
        string? status = null, DateOnly today = default)
    {
        await using var command = new NpgsqlCommand("SELECT " + Columns + """
             WHERE (@scope::text[] IS NULL OR s.district_code LIKE ANY(@scope))
               AND (@from::date IS NULL OR s.closes_on >= @from) AND (@to::date IS NULL OR s.opens_on <= @to)
               AND (@status::text IS NULL
                    OR (@status = 'open' AND s.closed_at IS NULL AND s.opens_on <= @today AND s.closes_on >= @today)
                    OR (@status = 'scheduled' AND s.closed_at IS NULL AND s.opens_on > @today)
                    OR (@status = 'closed' AND (s.closed_at IS NOT NULL OR s.closes_on < @today)))
             ORDER BY s.opens_on DESC, s.id DESC LIMIT @limit
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("scope", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)likePatterns ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = from is { } f ? f : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = to is { } t ? t : DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        command.Parameters.AddWithValue("today", today);
        return await ReadAsync(command, ct);
    }

    /// <summary>Closes a survey that is not closed yet; false when it already was.</summary>
    public static async Task<bool> CloseAsync(NpgsqlConnection connection, long id, long? closedBy, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE surveys SET closed_at = @now, closed_by = @by WHERE id = @id AND closed_at IS NULL", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = (object?)closedBy ?? DBNull.Value });
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Stores an answer unless this device already answered the survey (the unique key decides, so two answers sent at
    /// once cannot both count); false when it had.
    /// </summary>
    public static async Task<bool> InsertAnswerAsync(
        NpgsqlConnection connection, long surveyId, string deviceHash, IReadOnlyDictionary<string, int> ratings,
        IReadOnlyDictionary<string, string> texts, string? language, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO survey_answers (survey_id, device_hash, ratings, texts, language, answered_at)
            VALUES (@survey, @device, @ratings, @texts, @language, @now)
            ON CONFLICT (survey_id, device_hash) DO NOTHING RETURNING id
            """, connection);
        command.Parameters.AddWithValue("survey", surveyId);
        command.Parameters.AddWithValue("device", deviceHash);
        command.Parameters.Add(new NpgsqlParameter("ratings", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(ratings, Json) });
        command.Parameters.Add(new NpgsqlParameter("texts", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(texts, Json) });
        command.Parameters.Add(new NpgsqlParameter("language", NpgsqlDbType.Text) { Value = (object?)language ?? DBNull.Value });
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Answers per question and rating (0: does not apply) of one survey.</summary>
    public static async Task<IReadOnlyList<(string Question, int Rating, int Count)>> RatingCountsAsync(NpgsqlConnection connection, long surveyId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT r.key, r.value::int, count(*)::int
            FROM survey_answers a CROSS JOIN LATERAL jsonb_each_text(a.ratings) r
            WHERE a.survey_id = @survey GROUP BY 1, 2
            """, connection);
        command.Parameters.AddWithValue("survey", surveyId);
        var rows = new List<(string, int, int)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return rows;
    }

    /// <summary>Free-text answers per question of one survey.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> TextCountsAsync(NpgsqlConnection connection, long surveyId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT t.key, count(*)::int
            FROM survey_answers a CROSS JOIN LATERAL jsonb_each_text(a.texts) t
            WHERE a.survey_id = @survey GROUP BY 1
            """, connection);
        command.Parameters.AddWithValue("survey", surveyId);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    /// <summary>A page of the free-text answers to <paramref name="question"/>, newest first.</summary>
    public static async Task<IReadOnlyList<SurveyText>> TextsAsync(NpgsqlConnection connection, long surveyId, string question, int offset, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT a.answered_at, a.texts ->> @question
            FROM survey_answers a
            WHERE a.survey_id = @survey AND a.texts ? @question
            ORDER BY a.answered_at DESC, a.id DESC OFFSET @offset LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("survey", surveyId);
        command.Parameters.AddWithValue("question", question);
        command.Parameters.AddWithValue("offset", offset);
        command.Parameters.AddWithValue("limit", limit);
        var texts = new List<SurveyText>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            texts.Add(new SurveyText(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1)));
        }

        return texts;
    }

    private static async Task<IReadOnlyList<SurveyRecord>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var list = new List<SurveyRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new SurveyRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5),
                JsonSerializer.Deserialize<SurveyTemplateFile>(reader.GetString(6), Json)!,
                reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.GetInt32(9)));
        }

        return list;
    }
}
