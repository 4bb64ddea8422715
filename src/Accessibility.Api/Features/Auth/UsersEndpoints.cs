using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// User administration. System administrators manage every account; district administrators manage the
/// accounts whose districts all lie inside their own scope, never system administrators, and never grant
/// a district outside their scope.
/// </summary>
public static class UsersEndpoints
{
    /// <summary>Maps <c>/api/v1/users/…</c>.</summary>
    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");

        users.MapGet("/", ListUsers)
            .WithName("ListUsers").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Accounts the caller may manage.");
        users.MapPost("/", CreateUser)
            .WithName("CreateUser").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Creates an account inside the caller's scope.");
        users.MapPut("/{id:long}", UpdateUser)
            .WithName("UpdateUser").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Sets an account's role, district scopes, display name and whether it is disabled.");
        users.MapPost("/{id:long}/unlock", UnlockUser)
            .WithName("UnlockUser").RequireAccess(ResourceKinds.User, Operations.Administer)
            .WithSummary("Lifts the sign-in throttle on an account's name after repeated failed sign-ins, from every address.");
        return app;
    }

    /// <summary>True when <paramref name="caller"/> may manage an account of <paramref name="role"/> in <paramref name="districtScopes"/>.</summary>
    /// <remarks>An account without districts (a system administrator's) lies everywhere: only system administrators manage it.</remarks>
    public static bool MayManage(ClaimsPrincipal caller, string role, IReadOnlyCollection<string> districtScopes)
    {
        IReadOnlyCollection<string> codes = role == Roles.SystemAdmin || districtScopes.Count == 0 ? [RegistryResource.Everywhere] : districtScopes;
        return codes.All(code => AccessRules.Allows(caller, Operations.Administer.Name, RegistryResource.In(ResourceKinds.User, code)));
    }

    private static async Task<Ok<List<UserSummary>>> ListUsers(ClaimsPrincipal caller, RegistryDbContext db, SignInThrottling throttling, CancellationToken ct)
    {
        // Few accounts: the prefix-based scope check runs here rather than in SQL.
        var all = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var throttled = await throttling.ThrottledAccountsAsync(ct);
        return TypedResults.Ok(all.Where(u => MayManage(caller, u.Role, u.DistrictScopes))
            .Select(u => UserSummary.From(u, throttled.TryGetValue(u.UserName, out var until) ? until : null)).ToList());
    }

    private static async Task<Results<Created<UserSummary>, ValidationProblem, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, ClaimsPrincipal caller, HttpContext http, UserAccounts accounts, RegistryDbContext db,
        AuditLog audit, CancellationToken ct)
    {
        var role = request.Role ?? "";
        var scopes = request.DistrictScopes ?? [];
        if (!MayManage(caller, role, scopes))
        {
            return OutsideScope();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (user, errors) = await accounts.CreateAsync(request.UserName ?? "", request.Password ?? "", role, scopes, request.DisplayName, ct, request.ManagingUnit);
        if (user is null)
        {
            if (UserAccounts.OnlyNameTaken(errors))
            {
                return TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status409Conflict, Title = "User name taken" });
            }

            return TypedResults.ValidationProblem(errors);
        }

        audit.Record(http, "create", AuthAudit.UserEntity,
            Id(user), null, AuthAudit.Snapshot(user));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/users/{Id(user)}", UserSummary.From(user, null));
    }

    private static async Task<Results<Ok<UserSummary>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateUser(
        long id, UpdateUserRequest request, ClaimsPrincipal caller, HttpContext http, UserAccounts accounts, UserSessions sessions,
        SignInThrottling throttling, RegistryDbContext db, AuditLog audit, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        // Accounts outside the caller's scope are "not found": the caller may not learn that they exist.
        if (user is null || !MayManage(caller, user.Role, user.DistrictScopes))
        {
            return TypedResults.NotFound();
        }

        var role = request.Role ?? "";
        var scopes = (request.DistrictScopes ?? []).Distinct(StringComparer.Ordinal).ToList();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        await accounts.ValidateRoleAndScopesAsync(role, scopes, errors, ct);
        var unit = UserAccounts.ValidateManagingUnit(role, request.ManagingUnit, errors);
        if (request.DisplayName?.Length > 100)
        {
            errors["displayName"] = ["A display name has at most 100 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!MayManage(caller, role, scopes))
        {
            return OutsideScope();
        }

        if (user.Id == UserPrincipal.UserId(caller) && (request.Disabled || role != user.Role))
        {
            return TypedResults.Problem(
                title: "Cannot change own account",
                detail: "You cannot disable your own account or change your own role; ask another administrator.",
                statusCode: StatusCodes.Status409Conflict);
        }

        var before = AuthAudit.Snapshot(user);
        // New rights or none: the account signs in again rather than keep a session begun under the old ones.
        if (role != user.Role || !scopes.SequenceEqual(user.DistrictScopes, StringComparer.Ordinal) || unit != user.ManagingUnit
            || (request.Disabled && !user.Disabled))
        {
            await sessions.EndAllAsync(user.Id, ct);
        }

        user.Role = role;
        user.DistrictScopes = scopes;
        user.ManagingUnit = unit;
        user.Disabled = request.Disabled;
        user.DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim();
        audit.Record(http, "update", AuthAudit.UserEntity,
            Id(user), before, AuthAudit.Snapshot(user));
        await db.SaveChangesAsync(ct);
        var throttled = await throttling.ThrottledAccountsAsync(ct);
        return TypedResults.Ok(UserSummary.From(user, throttled.TryGetValue(user.UserName, out var until) ? until : null));
    }

    private static async Task<Results<Ok<UserSummary>, NotFound>> UnlockUser(
        long id, ClaimsPrincipal caller, HttpContext http, RegistryDbContext db, SignInThrottling throttling, AuditLog audit, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null || !MayManage(caller, user.Role, user.DistrictScopes))
        {
            return TypedResults.NotFound();
        }

        var wasLocked = (await throttling.ThrottledAccountsAsync(ct)).ContainsKey(user.UserName);
        // The name's count and every address's failures on it: the user may sign in again from anywhere.
        await throttling.ForgetAccountAsync(user.UserName, ct);
        audit.Record(http, "unlock", AuthAudit.UserEntity,
            Id(user), new JsonObject { ["locked"] = wasLocked }, new JsonObject { ["locked"] = false });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(UserSummary.From(user, null));
    }

    private static ProblemHttpResult OutsideScope() => TypedResults.Problem(
        title: "Outside your scope",
        detail: "District administrators manage accounts only inside their own districts, and never system administrators.",
        statusCode: StatusCodes.Status403Forbidden);

    private static string Id(UserAccount user) => user.Id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>New account.</summary>
/// <param name="UserName">Login name, 2–100 characters, stored lower-case.</param>
/// <param name="Password">At least 10 characters. Never stored or logged; only its hash is kept.</param>
/// <param name="Role">inspector, planner, district-admin, system-admin or managing-unit.</param>
/// <param name="DistrictScopes">District codes; at least one for every role but system-admin.</param>
/// <param name="DisplayName">Name shown on the page and in the audit log.</param>
/// <param name="ManagingUnit">For a managing-unit account (only): the unit it repairs for, as defects name it.</param>
public sealed record CreateUserRequest(string? UserName, string? Password, string? Role, string[]? DistrictScopes, string? DisplayName, string? ManagingUnit = null);

/// <summary>New state of an account (replaces role, scopes, display name and the disabled flag).</summary>
/// <param name="Role">inspector, planner, district-admin, system-admin or managing-unit.</param>
/// <param name="DistrictScopes">District codes.</param>
/// <param name="Disabled">Disabled accounts cannot sign in, and their sessions and tokens stop working.</param>
/// <param name="DisplayName">Name shown on the page.</param>
/// <param name="ManagingUnit">For a managing-unit account (only): the unit it repairs for.</param>
public sealed record UpdateUserRequest(string? Role, string[]? DistrictScopes, bool Disabled, string? DisplayName, string? ManagingUnit = null);

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
public sealed record UserSummary(
    long Id, string UserName, string? DisplayName, string Role, IReadOnlyList<string> DistrictScopes, bool Disabled,
    DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, string? ManagingUnit)
{
    internal static UserSummary From(UserAccount u, DateTimeOffset? throttledUntil) =>
        new(u.Id, u.UserName, u.DisplayName, u.Role, u.DistrictScopes, u.Disabled, throttledUntil, u.CreatedAt, u.ManagingUnit);
}
