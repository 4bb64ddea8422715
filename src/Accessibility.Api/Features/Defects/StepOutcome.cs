using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Defects;

/// <summary>
/// What a step of report triage or of a defect's repair answers: its value, or the refusal as RFC 7807 problem details
/// (404, 401/403, 409 naming the status, 422 naming the fields). The API sends the problem as it is; a staff page shows
/// its field errors in the error summary, so a page and the API cannot disagree.
/// </summary>
/// <typeparam name="T">The value of a step that was applied.</typeparam>
public sealed class StepOutcome<T>
{
    private StepOutcome(T? value, ProblemDetails? problem)
    {
        Value = value;
        Problem = problem;
    }

    /// <summary>The value, when the step was applied.</summary>
    public T? Value { get; }

    /// <summary>The refusal, when it was not.</summary>
    public ProblemDetails? Problem { get; }

    /// <summary>Whether the step was applied.</summary>
    public bool Succeeded => Problem is null;

    /// <summary>HTTP status of the refusal (200 when applied).</summary>
    public int Status => Problem?.Status ?? StatusCodes.Status200OK;

    /// <summary>Field errors of the refusal (empty when it names no field).</summary>
    public IDictionary<string, string[]> Errors =>
        Problem is HttpValidationProblemDetails v ? v.Errors : new Dictionary<string, string[]>(StringComparer.Ordinal);

    /// <summary>Applied, with <paramref name="value"/>.</summary>
    public static StepOutcome<T> Applied(T value) => new(value, null);

    /// <summary>Refused, with the problem answer made by the shared helpers (authorization, field errors, not found, conflict).</summary>
    public static StepOutcome<T> Refused(IResult problem) => problem is ProblemHttpResult p
        ? new(default, p.ProblemDetails)
        : throw new ArgumentException("Not a problem answer: " + problem?.GetType().Name, nameof(problem));

    /// <summary>The API's answer: <paramref name="applied"/> of the value, or the problem details.</summary>
    public async Task<IResult> ToResultAsync(Func<T, Task<IResult>> applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        return Problem is null ? await applied(Value!) : TypedResults.Problem(Problem);
    }
}
