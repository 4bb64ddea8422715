using Accessibility.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Health;

/// <summary>Liveness and readiness for load balancers and orchestrators.</summary>
public static class HealthEndpoints
{
    /// <summary>Maps <c>/healthz</c> and <c>/readyz</c>.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("ok", null)))
            .WithName("Healthz").AllowAnonymous().WithSummary("The process is up.").WithTags("Health");
        app.MapGet("/readyz", Ready)
            .WithName("Readyz").AllowAnonymous().WithSummary("The database is reachable and every migration is applied.").WithTags("Health");
        return app;
    }

    private static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> Ready(RegistryDbContext db, CancellationToken ct)
    {
        try
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                return TypedResults.Json(new HealthStatus("migrations pending", string.Join(", ", pending)), statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
            return TypedResults.Ok(new HealthStatus("ready", null));
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return TypedResults.Json(new HealthStatus("database unreachable", ex.GetType().Name), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}

/// <summary>Health answer.</summary>
/// <param name="Status">ok, ready, or what is wrong.</param>
/// <param name="Detail">More detail where useful.</param>
public sealed record HealthStatus(string Status, string? Detail);
