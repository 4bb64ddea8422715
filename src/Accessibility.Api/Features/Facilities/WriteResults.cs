using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Facilities;

/// <summary>Answers shared by the write endpoints of facilities and road segments.</summary>
internal static class WriteResults
{
    /// <summary>Saves, turning a lost optimistic-concurrency race or a duplicate external id into an answer instead of a 500.</summary>
    internal static async Task<IResult?> SaveAsync(RegistryDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return StaleMarker.Instance;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["externalId"] = ["Another record from this source already has this external id."],
            })
            { Status = StatusCodes.Status409Conflict, Title = "Duplicate external id" });
        }
    }

    /// <summary>409 with the current representation (<c>current</c>) and its version (<c>currentVersion</c>, and ETag).</summary>
    internal static IResult Stale(HttpContext http, StoredFeature current)
    {
        http.Response.Headers.ETag = ETags.Format(current.Version);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Stale version",
            detail: "The record changed since you read it; current version " + current.Version.ToString(CultureInfo.InvariantCulture) + ". Re-read and apply your change again.",
            extensions: new Dictionary<string, object?>
            {
                ["currentVersion"] = current.Version,
                ["current"] = JsonNode.Parse(current.Json),
            });
    }

    internal static IResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No record " + Id(id) + ".");

    internal static IResult Gone(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status410Gone, title: "Deleted", detail: "Record " + Id(id) + " was deleted.");

    internal static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Stands for "lost the optimistic-concurrency race"; never sent as it is.</summary>
    internal sealed class StaleMarker : IResult
    {
        public static readonly StaleMarker Instance = new();

        public Task ExecuteAsync(HttpContext httpContext) => throw new InvalidOperationException("Not an answer.");
    }

    /// <summary>The context's own connection, opened, so raw SQL runs in the context's transaction.</summary>
    internal static async Task<NpgsqlConnection> OpenAsync(RegistryDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }
}
