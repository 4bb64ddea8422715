using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// User administration. System administrators manage every account; district administrators manage the
/// accounts whose districts all lie inside their own scope, never system administrators, and never grant
/// a district outside their scope. The rules are the use cases' (<see cref="CreateUser"/>, <see cref="UpdateUser"/>,
/// <see cref="UnlockUser"/>, <see cref="ResetUserPassword"/>); these handlers read the request and answer.
/// </summary>
public static class UsersEndpoints
{
    /// <summary>Maps <c>/api/v1/users/…</c>.</summary>
    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");

        users.MapGet("/", List)
            .WithName("ListUsers").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Accounts the caller may manage.")
            .Produces<List<UserSummary>>();
        users.MapPost("/", Create)
            .WithName("CreateUser").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Creates an account inside the caller's scope.")
            .Accepts<CreateUserRequest>("application/json").Produces<UserSummary>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPut("/{id:long}", Update)
            .WithName("UpdateUser").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Sets an account's role, district scopes, managing unit, community grids, display name and whether it is disabled.")
            .Accepts<UpdateUserRequest>("application/json").Produces<UserSummary>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id:long}/unlock", Unlock)
            .WithName("UnlockUser").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Lifts the sign-in throttle on an account's name after repeated failed sign-ins, from every address.")
            .Produces<UserSummary>().ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{id:long}/password", ResetPassword)
            .WithName("ResetUserPassword").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Sets a new password for another account (its user forgot theirs); its sessions end and its sign-in throttle is lifted.")
            .Accepts<ResetPasswordRequest>("application/json").Produces<UserSummary>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>True when <paramref name="caller"/> may manage an account of <paramref name="role"/> in <paramref name="districtScopes"/>.</summary>
    public static bool MayManage(System.Security.Claims.ClaimsPrincipal caller, string role, IReadOnlyCollection<string> districtScopes) =>
        UserAdministration.MayManage(caller, role, districtScopes);

    private static async Task<IResult> List(HttpContext http, ListUsers list, CancellationToken ct) =>
        TypedResults.Ok(await list.RunAsync(http, ct));

    private static async Task<IResult> Create(CreateUserRequest request, HttpContext http, CreateUser create, CancellationToken ct)
    {
        var outcome = await create.RunAsync(http, request, ct);
        return outcome.Kind switch
        {
            OutcomeKind.Done => TypedResults.Created("/api/v1/users/" + UserAdministration.Id(outcome.Value!), UserSummary.From(outcome.Value!, null)),
            OutcomeKind.Conflict => TypedResults.Problem(new HttpValidationProblemDetails(outcome.Errors!.ToDictionary())
            {
                Status = StatusCodes.Status409Conflict,
                Title = "User name taken",
            }),
            OutcomeKind.Invalid => TypedResults.ValidationProblem(outcome.Errors!.ToDictionary()),
            _ => outcome.Refusal!,
        };
    }

    private static async Task<IResult> Update(long id, UpdateUserRequest request, HttpContext http, UpdateUser update, CancellationToken ct) =>
        Answer(await update.RunAsync(http, id, request, ct));

    private static async Task<IResult> Unlock(long id, HttpContext http, UnlockUser unlock, CancellationToken ct) =>
        Answer(await unlock.RunAsync(http, id, ct));

    private static async Task<IResult> ResetPassword(long id, ResetPasswordRequest request, HttpContext http, ResetUserPassword reset, CancellationToken ct) =>
        Answer(await reset.RunAsync(http, id, request.NewPassword, ct));

    private static IResult Answer(Outcome<UserSummary> outcome) => outcome.Kind switch
    {
        OutcomeKind.Done => TypedResults.Ok(outcome.Value),
        OutcomeKind.NotFound => TypedResults.NotFound(),
        OutcomeKind.Invalid => TypedResults.ValidationProblem(outcome.Errors!.ToDictionary()),
        _ => outcome.Refusal!,
    };
}

/// <summary>A new password set by an administrator.</summary>
/// <param name="NewPassword">At least 10 characters. Never stored or logged; only its hash is kept.</param>
public sealed record ResetPasswordRequest(string? NewPassword);

/// <summary>New account.</summary>
/// <param name="UserName">Login name, 2–100 characters, stored lower-case.</param>
/// <param name="Password">At least 10 characters. Never stored or logged; only its hash is kept.</param>
/// <param name="Role">inspector, planner, district-admin, system-admin, managing-unit or grid-worker.</param>
/// <param name="DistrictScopes">District codes; at least one for every role but system-admin (a grid worker's are its grids' counties: leave out).</param>
/// <param name="DisplayName">Name shown on the page and in the audit log.</param>
/// <param name="ManagingUnit">For a managing-unit account (only): the unit it repairs for, as defects name it.</param>
/// <param name="GridCodes">For a grid-worker account (only, at least one): the community grids it is responsible for; its districts are their counties.</param>
public sealed record CreateUserRequest(
    string? UserName, string? Password, string? Role, string[]? DistrictScopes, string? DisplayName, string? ManagingUnit = null, string[]? GridCodes = null);

/// <summary>New state of an account (replaces role, scopes, display name and the disabled flag).</summary>
/// <param name="Role">inspector, planner, district-admin, system-admin or managing-unit.</param>
/// <param name="DistrictScopes">District codes.</param>
/// <param name="Disabled">Disabled accounts cannot sign in, and their sessions and tokens stop working.</param>
/// <param name="DisplayName">Name shown on the page.</param>
/// <param name="ManagingUnit">For a managing-unit account (only): the unit it repairs for.</param>
/// <param name="GridCodes">For a grid-worker account (only, at least one): its community grids; its districts are their counties.</param>
public sealed record UpdateUserRequest(
    string? Role, string[]? DistrictScopes, bool Disabled, string? DisplayName, string? ManagingUnit = null, string[]? GridCodes = null);

/// <summary>An account as administrators see it: never its password hash.</summary>
/// <param name="Id">Account id.</param>
/// <param name="UserName">Login name.</param>
/// <param name="DisplayName">Name shown on the page.</param>
/// <param name="Role">Role.</param>
/// <param name="DistrictScopes">District codes.</param>
/// <param name="Disabled">True when disabled.</param>
/// <param name="LockedUntil">Until when sign-ins with this name are throttled (for addresses that failed on it), or null.</param>
/// <param name="CreatedAt">When the account was created.</param>
/// <param name="ManagingUnit">For a managing-unit account: the unit it repairs for.</param>
/// <param name="GridCodes">For a grid-worker account: its community grids (empty for other roles).</param>
public sealed record UserSummary(
    long Id, string UserName, string? DisplayName, string Role, IReadOnlyList<string> DistrictScopes, bool Disabled,
    DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, string? ManagingUnit, IReadOnlyList<string> GridCodes)
{
    internal static UserSummary From(UserAccount u, DateTimeOffset? throttledUntil) =>
        new(u.Id, u.UserName, u.DisplayName, u.Role, u.DistrictScopes, u.Disabled, throttledUntil, u.CreatedAt, u.ManagingUnit, u.GridCodes);
}
