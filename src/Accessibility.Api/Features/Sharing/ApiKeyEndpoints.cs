using System.Globalization;
using System.Security.Claims;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// <c>/api/v1/api-keys</c>: read-only API keys of other departments. System administrators manage every key; district
/// administrators the keys whose districts all lie inside their own. Issuing and revoking are audited.
/// </summary>
public static class ApiKeyEndpoints
{
    private const string Json = "application/json";

    /// <summary>Days of usage shown when no period is asked for.</summary>
    public const int DefaultUsageDays = 30;

    /// <summary>Longest usage period.</summary>
    public const int MaxUsageDays = 366;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/api-keys").WithTags("Sharing")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("", List)
            .WithName("ListApiKeys").RequireAccess(ResourceKinds.ApiKey, Operations.Administer).WithSummary("API keys the caller manages, with their requests in the last 30 days (never their secrets).")
            .Produces<List<ApiKeySummary>>();
        group.MapPost("", Create)
            .WithName("CreateApiKey").RequireAccess(ResourceKinds.ApiKey, Operations.Administer).WithSummary("Issues a read-only API key to a department for districts and layers; the secret is in this response only.")
            .Accepts<CreateApiKeyRequest>(Json).Produces<CreatedApiKey>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("{id:long}", Get)
            .WithName("GetApiKey").RequireAccess(ResourceKinds.ApiKey, Operations.Administer).WithSummary("One API key.").Produces<ApiKeySummary>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("{id:long}", Revoke)
            .WithName("RevokeApiKey").RequireAccess(ResourceKinds.ApiKey, Operations.Administer).WithSummary("Revokes an API key: it stops working at once; the record and its usage stay.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("{id:long}/usage", Usage)
            .WithName("GetApiKeyUsage").RequireAccess(ResourceKinds.ApiKey, Operations.Administer).WithSummary("Requests of a key per day (China Standard Time), layer and route, from..to (default the last 30 days).")
            .Produces<ApiKeyUsageReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> List(ClaimsPrincipal caller, RegistryDbContext db, NpgsqlDataSource dataSource, ApiKeyUsageRecorder usage, TimeProvider clock, CancellationToken ct)
    {
        await usage.FlushAsync(ct);
        var now = clock.GetUtcNow();
        // Few keys: the prefix-based scope check runs here rather than in SQL.
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);
        Dictionary<long, long> requests;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            requests = await SharingSql.RequestsSinceAsync(connection, ApiKeyUsageRecorder.Day(now).AddDays(1 - DefaultUsageDays), ct);
        }

        return TypedResults.Ok(keys.Where(k => ApiKeys.MayManage(caller, k.DistrictCodes))
            .Select(k => ApiKeySummary.From(k, now, requests.GetValueOrDefault(k.Id))).ToList());
    }

    private static async Task<IResult> Create(HttpContext http, RegistryDbContext db, ApiKeys keys, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<CreateApiKeyRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var errors = new FieldErrors();
        var (districts, layers) = await keys.ValidateAsync(request, errors, ct);
        if (!errors.IsEmpty)
        {
            return errors.ToResult();
        }

        if (!ApiKeys.MayManage(http.User, districts))
        {
            return OutsideScope();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (key, secret) = await keys.CreateAsync(request, districts, layers, UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown", ct);
        audit.Record(http, "create", ApiKeys.AuditEntity, Id(key.Id), null, ApiKeys.Snapshot(key));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created("/api/v1/api-keys/" + Id(key.Id), new CreatedApiKey(ApiKeySummary.From(key, clock.GetUtcNow(), 0), secret));
    }

    private static async Task<IResult> Get(long id, ClaimsPrincipal caller, RegistryDbContext db, NpgsqlDataSource dataSource, ApiKeyUsageRecorder usage, TimeProvider clock, CancellationToken ct)
    {
        // Counts of this instance first, so that last use and requests include what was just done.
        await usage.FlushAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, ct);
        // Keys outside the caller's scope are "not found": the caller may not learn that they exist.
        if (key is null || !ApiKeys.MayManage(caller, key.DistrictCodes))
        {
            return WriteResultsNotFound(id);
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var requests = await SharingSql.RequestsSinceAsync(connection, ApiKeyUsageRecorder.Day(now).AddDays(1 - DefaultUsageDays), ct);
        return TypedResults.Ok(ApiKeySummary.From(key, now, requests.GetValueOrDefault(id)));
    }

    private static async Task<IResult> Revoke(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || !ApiKeys.MayManage(http.User, key.DistrictCodes))
        {
            return WriteResultsNotFound(id);
        }

        if (key.RevokedAt is null)
        {
            var before = ApiKeys.Snapshot(key);
            key.RevokedAt = clock.GetUtcNow();
            audit.Record(http, "revoke", ApiKeys.AuditEntity, Id(key.Id), before, ApiKeys.Snapshot(key));
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> Usage(
        long id, HttpRequest request, RegistryDbContext db, NpgsqlDataSource dataSource, ApiKeyUsageRecorder usage, TimeProvider clock, CancellationToken ct)
    {
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || !ApiKeys.MayManage(request.HttpContext.User, key.DistrictCodes))
        {
            return WriteResultsNotFound(id);
        }

        var errors = new FieldErrors();
        var today = ApiKeyUsageRecorder.Day(clock.GetUtcNow());
        var to = ParseDay(request.Query["to"], "to", errors) ?? today;
        var from = ParseDay(request.Query["from"], "from", errors) ?? to.AddDays(1 - DefaultUsageDays);
        if (errors.IsEmpty && (from > to || to.DayNumber - from.DayNumber >= MaxUsageDays))
        {
            errors.Add("from", string.Create(CultureInfo.InvariantCulture, $"Expected from ≤ to, at most {MaxUsageDays} days apart."));
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, "One or more query parameters are not acceptable.");
        }

        // Counts of this instance go in first, so what was just done shows (other instances write theirs within seconds).
        await usage.FlushAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await SharingSql.UsageAsync(connection, id, from, to, ct);
        var byLayer = rows.GroupBy(r => r.Layer, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Requests), StringComparer.Ordinal);
        return TypedResults.Ok(new ApiKeyUsageReport(id, from, to, rows.Sum(r => r.Requests), byLayer, rows));
    }

    private static DateOnly? ParseDay(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, "Expected a day as YYYY-MM-DD.");
        return null;
    }

    private static IResult OutsideScope() => TypedResults.Problem(
        title: "Outside your scope",
        detail: "District administrators issue keys only for districts inside their own.",
        statusCode: StatusCodes.Status403Forbidden);

    private static IResult WriteResultsNotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No API key " + Id(id) + ".");

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
