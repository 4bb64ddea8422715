using System.Globalization;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// <c>/api/v1/api-keys</c>: read-only API keys of other departments. System administrators manage every key; district
/// administrators the keys whose districts all lie inside their own. Issuing and revoking are audited.
/// </summary>
public static class ApiKeyEndpoints
{
    private const string Json = "application/json";

    /// <summary>Days of usage shown when no period is asked for.</summary>
    public const int DefaultUsageDays = ListApiKeys.DefaultUsageDays;

    /// <summary>Longest usage period.</summary>
    public const int MaxUsageDays = ReadApiKeyUsage.MaxUsageDays;

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

    private static async Task<IResult> List(HttpContext http, ListApiKeys list, CancellationToken ct) =>
        TypedResults.Ok(await list.RunAsync(http, ct));

    private static async Task<IResult> Create(HttpContext http, IssueApiKey issue, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<CreateApiKeyRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var outcome = await issue.RunAsync(http, request, ct);
        return outcome.Kind switch
        {
            OutcomeKind.Done => TypedResults.Created("/api/v1/api-keys/" + Id(outcome.Value!.Key.Id), outcome.Value),
            OutcomeKind.Invalid => outcome.Errors!.ToResult(),
            _ => outcome.Refusal!,
        };
    }

    private static async Task<IResult> Get(long id, HttpContext http, ListApiKeys list, CancellationToken ct) =>
        await list.OneAsync(http, id, ct) is { } key ? TypedResults.Ok(key) : NotFound(id);

    private static async Task<IResult> Revoke(long id, HttpContext http, RevokeApiKey revoke, CancellationToken ct) =>
        (await revoke.RunAsync(http, id, ct)).IsDone ? TypedResults.NoContent() : NotFound(id);

    private static async Task<IResult> Usage(long id, HttpRequest request, ReadApiKeyUsage usage, CancellationToken ct)
    {
        var outcome = await usage.RunAsync(request.HttpContext, id, request.Query["from"], request.Query["to"], ct);
        return outcome.Kind switch
        {
            OutcomeKind.Done => TypedResults.Ok(outcome.Value),
            OutcomeKind.Invalid => outcome.Errors!.ToResult(StatusCodes.Status400BadRequest, "One or more query parameters are not acceptable."),
            _ => NotFound(id),
        };
    }

    private static IResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No API key " + Id(id) + ".");

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
