using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Backstop for input that got past validation and was refused by PostgreSQL: a data exception (class 22:
/// a value out of range, a character the encoding cannot carry, a geometry PostGIS will not store), a
/// unique or foreign-key violation from two requests racing each other (23505, 23503), or a serialization
/// failure, deadlock or lost optimistic-concurrency check between concurrent writes (40001, 40P01, EF Core's
/// <c>DbUpdateConcurrencyException</c>). These come from the client's input or
/// timing, not from a broken server, so they are answered 4xx with problem details instead of 500.
/// </summary>
/// <remarks>
/// Validation and upserts are the real fix; this only keeps a missed case from looking like an outage.
/// So that it does not hide a bug, each case is logged at warning level with its SQL state and message.
/// Connection failures and everything else go on to the next handler (and end as 5xx).
/// </remarks>
internal sealed partial class DataErrorExceptionHandler(IProblemDetailsService problems, ILogger<DataErrorExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, state) = Classify(exception);
        if (status == 0 || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogRefused(logger, state, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status409Conflict && state is "40001" or "40P01")
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = detail,
                Extensions = { ["sqlState"] = state },
            },
        }.WithFieldError(state, exception));
    }

    /// <summary>The answer for <paramref name="exception"/>, or status 0 when it is not a data error.</summary>
    internal static (int Status, string Title, string Detail, string State) Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
            {
                return pg.SqlState switch
                {
                    PostgresErrorCodes.UniqueViolation => (StatusCodes.Status409Conflict, "Conflict",
                        "The record already exists, possibly written by a concurrent request; read it and try again.", pg.SqlState),
                    PostgresErrorCodes.ForeignKeyViolation => (StatusCodes.Status409Conflict, "Conflict",
                        "The record refers to one that does not exist (any more), or is still referred to.", pg.SqlState),
                    PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => (StatusCodes.Status409Conflict, "Conflict",
                        "A concurrent request changed the same records; try again.", pg.SqlState),
                    PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.ExclusionViolation => (StatusCodes.Status422UnprocessableEntity,
                        "Not acceptable", "A value breaks a rule of the registry's data.", pg.SqlState),
                    PostgresErrorCodes.ProgramLimitExceeded => (StatusCodes.Status400BadRequest, "Bad request",
                        "A value is too large to be stored or searched.", pg.SqlState),
                    History.EffectiveTime.BeforeCurrentState or History.EffectiveTime.InFuture => (StatusCodes.Status400BadRequest,
                        "One or more validation errors occurred.", pg.MessageText, pg.SqlState),
                    { } s when s.StartsWith("22", StringComparison.Ordinal) => (StatusCodes.Status400BadRequest, "Bad request",
                        "A value of the request cannot be stored or compared: " + pg.MessageText, pg.SqlState),
                    _ => (0, "", "", pg.SqlState),
                };
            }

            if (e is Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
            {
                // Two requests changed or deleted the same row at once; the second finds it gone or changed.
                return (StatusCodes.Status409Conflict, "Conflict",
                    "The record was changed or deleted by a concurrent request; read it again.", "concurrency");
            }

            if (e is EncoderFallbackException)
            {
                // Npgsql refuses to encode text with a lone surrogate into UTF-8.
                return (StatusCodes.Status400BadRequest, "Bad request",
                    "A text value contains a lone UTF-16 surrogate, which is not a character.", "encoding");
            }
        }

        return (0, "", "", "");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused by PostgreSQL ({SqlState}) on {Method} {Path}, answered 4xx: {Reason}")]
    private static partial void LogRefused(ILogger logger, string sqlState, string method, PathString path, string reason);
}

/// <summary>Names the field at fault in a refusal the history triggers raised.</summary>
internal static class DataErrorFields
{
    /// <summary><paramref name="context"/> with <c>errors.validFrom</c> when <paramref name="state"/> is a refused effective time.</summary>
    public static ProblemDetailsContext WithFieldError(this ProblemDetailsContext context, string state, Exception exception)
    {
        if (state is History.EffectiveTime.BeforeCurrentState or History.EffectiveTime.InFuture)
        {
            context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]>
            {
                [History.EffectiveTime.Field] = [exception.GetBaseException().Message],
            };
        }

        return context;
    }
}
