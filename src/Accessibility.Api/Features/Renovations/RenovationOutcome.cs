using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// What a renovation use case answers: its value, or the refusal as RFC 7807 problem details. The API sends the problem
/// as it is; a page shows its field errors in the error summary (or its 404/403 page), so both tell the user the same.
/// </summary>
/// <typeparam name="T">The value of a use case that succeeded.</typeparam>
public sealed class RenovationOutcome<T>
{
    private RenovationOutcome(T? value, ProblemDetails? problem)
    {
        Value = value;
        Problem = problem;
    }

    /// <summary>The value, when the use case succeeded.</summary>
    public T? Value { get; }

    /// <summary>The refusal, when it did not.</summary>
    public ProblemDetails? Problem { get; }

    /// <summary>Whether the use case succeeded.</summary>
    public bool Succeeded => Problem is null;

    /// <summary>Field errors of the refusal (empty when it names no field).</summary>
    public IReadOnlyDictionary<string, string[]> Errors =>
        Problem is HttpValidationProblemDetails v ? new Dictionary<string, string[]>(v.Errors, StringComparer.Ordinal) : new Dictionary<string, string[]>(StringComparer.Ordinal);

    /// <summary>The refusal's HTTP status (200 when it succeeded).</summary>
    public int Status => Problem is null ? StatusCodes.Status200OK : Problem.Status ?? StatusCodes.Status400BadRequest;

    /// <summary>A success.</summary>
    public static RenovationOutcome<T> Success(T value) => new(value, null);

    /// <summary>A refusal.</summary>
    public static RenovationOutcome<T> Refused(ProblemDetails problem) => new(default, problem);

    /// <summary>A refusal from a problem answer made by the shared helpers (authorization, field errors, not found).</summary>
    public static RenovationOutcome<T> Refused(IResult problem) => problem is ProblemHttpResult p
        ? new(default, p.ProblemDetails)
        : throw new ArgumentException("Not a problem answer: " + problem.GetType().Name, nameof(problem));

    /// <summary>The API's answer: <paramref name="success"/> of the value, or the problem details.</summary>
    public IResult ToResult(Func<T, IResult> success)
    {
        ArgumentNullException.ThrowIfNull(success);
        return Problem is null ? success(Value!) : TypedResults.Problem(Problem);
    }
}

/// <summary>Makes outcomes.</summary>
public static class RenovationOutcome
{
    /// <summary>A success.</summary>
    public static RenovationOutcome<T> Success<T>(T value) => RenovationOutcome<T>.Success(value);
}
