using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// While PostgreSQL is down, restarting or out of connections, every request that needs it fails with a connection
/// error: answer 503 with <c>Retry-After</c> as problem details (reads and writes alike), not 500. Nothing is kept
/// from the failure: the connection pool opens fresh connections once the database is back, so the service
/// recovers by itself. Errors about the request's own data are left to other handlers.
/// </summary>
internal sealed class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait: about what a restart or crash recovery of PostgreSQL takes.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning("The database is unavailable ({Error}); answered 503.", exception.GetBaseException().Message);
        httpContext.Response.Clear();
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database unavailable",
                Detail = $"The registry cannot reach its database just now. Nothing was changed; try again in {RetryAfterSeconds} seconds.",
            },
        });
    }

    /// <summary>
    /// A connection failure anywhere in the chain (EF wraps Npgsql's): no socket, a broken or timed-out one, no pooled
    /// connection in time, or the server shutting down, starting, or refusing connections.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                        || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                case NpgsqlException npgsql when Connection(npgsql.InnerException):
                    return true;
            }
        }

        return false;
    }

    private static bool Connection(Exception? cause) =>
        cause is SocketException or IOException or TimeoutException or ObjectDisposedException
        || (cause is not null && Connection(cause.InnerException));
}
