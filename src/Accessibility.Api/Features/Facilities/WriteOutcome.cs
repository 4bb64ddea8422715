using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// What a write use case of a map record (facility, road segment) came to, told so that an API endpoint and a
/// staff page can each answer it their way: the record as stored, the field errors for the form, or a refusal
/// (not found, deleted, not allowed, changed since read) with the problem the API answers.
/// </summary>
public sealed class WriteOutcome
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>(StringComparer.Ordinal);

    private readonly IResult? problem;
    private readonly FieldErrors? fieldErrors;

    private WriteOutcome(int statusCode, StoredFeature? feature, long? id, FieldErrors? fieldErrors, IResult? problem)
    {
        StatusCode = statusCode;
        Feature = feature;
        Id = id;
        this.fieldErrors = fieldErrors;
        this.problem = problem;
    }

    /// <summary>The HTTP status the API answers: 200, 201 or 204 when written, 4xx when not.</summary>
    public int StatusCode { get; }

    /// <summary>The record as stored after the write; on a lost race (409) the current record.</summary>
    public StoredFeature? Feature { get; }

    /// <summary>The record's identifier, when one was written.</summary>
    public long? Id { get; }

    /// <summary>Whether the change was stored.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>Whether the record changed since the caller read it (<see cref="Feature"/> is the current one).</summary>
    public bool IsStale => StatusCode == StatusCodes.Status409Conflict && Feature is not null;

    /// <summary>Errors by field path (<c>name</c>, <c>attributes.slope</c>), empty unless the input was refused.</summary>
    public IReadOnlyDictionary<string, string[]> Errors => fieldErrors?.ToDictionary() ?? NoErrors;

    internal static WriteOutcome Written(StoredFeature feature, long id, int statusCode = StatusCodes.Status200OK) =>
        new(statusCode, feature, id, null, null);

    internal static WriteOutcome Deleted(long id) => new(StatusCodes.Status204NoContent, null, id, null, null);

    internal static WriteOutcome Invalid(FieldErrors errors, int statusCode = StatusCodes.Status422UnprocessableEntity) =>
        new(statusCode, null, null, errors, errors.ToResult(statusCode));

    /// <summary>A refusal answered by <paramref name="problem"/> (its status read from it); <paramref name="current"/> for a lost race.</summary>
    internal static WriteOutcome Refused(IResult problem, StoredFeature? current = null) =>
        new((problem as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status400BadRequest, current, null, null, problem);

    /// <summary>The API's answer: the Feature with its ETag (and Location under <paramref name="collection"/> when created), 204, or the problem.</summary>
    public IResult ToResult(string collection)
    {
        if (problem is not null)
        {
            return problem;
        }

        if (StatusCode == StatusCodes.Status204NoContent || Feature is null)
        {
            return TypedResults.NoContent();
        }

        return new RawJsonResult(Feature.Json, StatusCode)
        {
            ETag = ETags.Format(Feature.Version),
            Location = StatusCode == StatusCodes.Status201Created ? collection + WriteResults.Id(Id!.Value) : null,
        };
    }
}
