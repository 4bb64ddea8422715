namespace Accessibility.Api.Infrastructure;

/// <summary>How a use case ended.</summary>
public enum OutcomeKind
{
    /// <summary>Done; <see cref="Outcome{T}.Value"/> holds the result.</summary>
    Done,

    /// <summary>The input is not acceptable; <see cref="Outcome{T}.Errors"/> says why, by field.</summary>
    Invalid,

    /// <summary>No such record, or one the caller may not learn exists.</summary>
    NotFound,

    /// <summary>The caller may not; <see cref="Outcome{T}.Refusal"/> is the API's answer (401 or 403).</summary>
    Refused,

    /// <summary>The record changed since the caller read it; <see cref="Outcome{T}.Value"/> holds the current one.</summary>
    Stale,

    /// <summary>
    /// The request clashes with the state of things (a name taken, one's own account); <see cref="Outcome{T}.Errors"/> by
    /// field, or <see cref="Outcome{T}.Refusal"/> as the API's answer.
    /// </summary>
    Conflict,
}

/// <summary>
/// The result of a use case, shared by an endpoint (which turns it into problem details) and a page (which shows the form
/// again with its errors), so both answer from the same rule.
/// </summary>
/// <typeparam name="T">The result when done (or the current record when stale).</typeparam>
public sealed class Outcome<T>
{
    private Outcome(OutcomeKind kind, T? value, FieldErrors? errors, IResult? refusal)
    {
        Kind = kind;
        Value = value;
        Errors = errors;
        Refusal = refusal;
    }

    /// <summary>How it ended.</summary>
    public OutcomeKind Kind { get; }

    /// <summary>The result (done) or the current record (stale).</summary>
    public T? Value { get; }

    /// <summary>Errors by field (invalid).</summary>
    public FieldErrors? Errors { get; }

    /// <summary>The API's answer to a refusal (refused).</summary>
    public IResult? Refusal { get; }

    /// <summary>True when done.</summary>
    public bool IsDone => Kind == OutcomeKind.Done;

    /// <summary>Done with <paramref name="value"/>.</summary>
    public static Outcome<T> Done(T value) => new(OutcomeKind.Done, value, null, null);

    /// <summary>Not acceptable.</summary>
    public static Outcome<T> Invalid(FieldErrors errors) => new(OutcomeKind.Invalid, default, errors, null);

    /// <summary>Not found.</summary>
    public static Outcome<T> NotFound() => new(OutcomeKind.NotFound, default, null, null);

    /// <summary>Refused, answered by <paramref name="refusal"/> in the API.</summary>
    public static Outcome<T> Refused(IResult refusal) => new(OutcomeKind.Refused, default, null, refusal);

    /// <summary>A conflict, said by field (<paramref name="errors"/>) and/or as the API's answer (<paramref name="problem"/>).</summary>
    public static Outcome<T> Conflict(FieldErrors? errors, IResult? problem) => new(OutcomeKind.Conflict, default, errors, problem);

    /// <summary>Stale: <paramref name="current"/> is the record as it is now.</summary>
    public static Outcome<T> Stale(T current) => new(OutcomeKind.Stale, current, null, null);
}
