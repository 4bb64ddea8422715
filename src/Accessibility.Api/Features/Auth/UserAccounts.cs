using Accessibility.Api.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>Creates accounts and tokens, checks and changes passwords. Throttling of guesses is <see cref="SignInThrottling"/>'s.</summary>
public sealed class UserAccounts(RegistryDbContext db, IPasswordHasher<UserAccount> hasher, TimeProvider clock)
{
    private const string TakenSuffix = "' is taken.";

    private static string TakenMessage(string normalized) => "The user name '" + normalized + TakenSuffix;

    /// <summary>
    /// Whether <paramref name="errors"/> say only that the name is taken (also when another request took it a moment
    /// earlier): a conflict with an existing account (409), not a malformed request.
    /// </summary>
    public static bool OnlyNameTaken(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1 && errors.TryGetValue("userName", out var messages)
            && messages.Length == 1 && messages[0].EndsWith(TakenSuffix, StringComparison.Ordinal);
    }

    /// <summary>Shortest password.</summary>
    public const int MinPasswordLength = 10;

    /// <summary>Creates an account. Returns the errors by field when the request is invalid.</summary>
    public async Task<(UserAccount? User, Dictionary<string, string[]> Errors)> CreateAsync(
        string userName, string password, string role, IReadOnlyCollection<string> districtScopes, string? displayName, CancellationToken ct,
        string? managingUnit = null, IReadOnlyCollection<string>? gridCodes = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var normalized = userName.Trim().ToLowerInvariant();
        if (normalized.Length is < 2 or > 100)
        {
            errors["userName"] = ["A user name has 2 to 100 characters."];
        }
        else if (await db.Users.AnyAsync(u => u.UserName == normalized, ct))
        {
            errors["userName"] = [TakenMessage(normalized)];
        }

        if (password.Length < MinPasswordLength)
        {
            errors["password"] = [PasswordRule];
        }

        var (grids, codes) = await ValidateGridsAsync(role, gridCodes ?? [], districtScopes, errors, ct);
        await ValidateRoleAndScopesAsync(role, codes, errors, ct);
        var unit = ValidateManagingUnit(role, managingUnit, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var user = new UserAccount
        {
            UserName = normalized,
            DisplayName = displayName,
            PasswordHash = "",
            Role = role,
            DistrictScopes = codes,
            ManagingUnit = unit,
            GridCodes = grids,
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Another request created the same name between the check above and this insert.
            db.Entry(user).State = EntityState.Detached;
            errors["userName"] = [TakenMessage(normalized)];
            return (null, errors);
        }

        return (user, errors);
    }

    /// <summary>
    /// Adds to <paramref name="errors"/> what is wrong with a role and its district scopes: an unknown role,
    /// a scoped role without districts, or district codes that are not registered.
    /// </summary>
    public async Task ValidateRoleAndScopesAsync(
        string role, IReadOnlyCollection<string> districtScopes, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (!Roles.All.Contains(role))
        {
            errors["role"] = [$"Unknown role '{role}'; expected one of: {string.Join(", ", Roles.All)}."];
        }
        // A grid worker's districts are its grids' counties: without grids, the missing grids are what is said.
        else if (Roles.IsScoped(role) && districtScopes.Count == 0 && role != Roles.GridWorker)
        {
            errors["districtScopes"] = [$"A {role} account is scoped to at least one district."];
        }

        var codes = districtScopes.Distinct(StringComparer.Ordinal).ToList();
        var known = await db.Districts.Where(d => codes.Contains(d.Code)).Select(d => d.Code).ToListAsync(ct);
        var unknown = codes.Except(known, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            errors["districtScopes"] = [$"Unknown district code(s): {string.Join(", ", unknown)}."];
        }
    }

    /// <summary>
    /// The community grids (网格) an account of <paramref name="role"/> names and the district scopes it gets: a grid-worker
    /// account names at least one registered grid, and its districts are those grids' counties (derived, so that every
    /// district-scoped read keeps working; <paramref name="districtScopes"/> may be left out or name exactly them); any other
    /// role names no grid and keeps <paramref name="districtScopes"/>. Adds to <paramref name="errors"/>.
    /// </summary>
    public async Task<(List<string> Grids, List<string> DistrictScopes)> ValidateGridsAsync(
        string role, IReadOnlyCollection<string> gridCodes, IReadOnlyCollection<string> districtScopes, Dictionary<string, string[]> errors,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(gridCodes);
        ArgumentNullException.ThrowIfNull(districtScopes);
        ArgumentNullException.ThrowIfNull(errors);
        var grids = gridCodes.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var scopes = districtScopes.Distinct(StringComparer.Ordinal).ToList();
        if (role != Roles.GridWorker)
        {
            if (grids.Count > 0)
            {
                errors["gridCodes"] = ["Only a grid-worker account names community grids."];
            }

            return ([], scopes);
        }

        if (grids.Count == 0)
        {
            errors["gridCodes"] = ["A grid-worker account names at least one community grid (a 12-digit grid code)."];
            return ([], scopes);
        }

        var counties = await AuthSql.GridCountiesAsync(db, grids, ct);
        var unknown = grids.Where(g => !counties.ContainsKey(g)).ToList();
        if (unknown.Count > 0)
        {
            errors["gridCodes"] = [$"Unknown community grid(s): {string.Join(", ", unknown)}."];
            return (grids, scopes);
        }

        var derived = counties.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (scopes.Count > 0 && !scopes.ToHashSet(StringComparer.Ordinal).SetEquals(derived))
        {
            errors["districtScopes"] = [$"A grid-worker account's districts are its grids' counties ({string.Join(", ", derived)}); leave districtScopes out."];
        }

        return (grids, derived);
    }

    /// <summary>
    /// The managing unit an account of <paramref name="role"/> names, trimmed: required (1–200 characters) for the
    /// managing-unit role, refused for any other role (its rights do not depend on a unit). Adds to <paramref name="errors"/>.
    /// </summary>
    public static string? ValidateManagingUnit(string role, string? managingUnit, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var unit = string.IsNullOrWhiteSpace(managingUnit) ? null : managingUnit.Trim();
        if (role == Roles.ManagingUnit && unit is null)
        {
            errors["managingUnit"] = ["A managing-unit account names the unit it repairs for."];
        }
        else if (role != Roles.ManagingUnit && unit is not null)
        {
            errors["managingUnit"] = ["Only a managing-unit account names a managing unit."];
        }
        else if (unit is { Length: > 200 } || (unit is not null && unit.Any(char.IsControl)))
        {
            errors["managingUnit"] = ["A managing unit's name has 1 to 200 characters and no control characters."];
        }

        return unit;
    }

    /// <summary>Issues a personal token; the secret is returned once and never stored.</summary>
    public async Task<(ApiToken Token, string Secret)> CreateTokenAsync(long userId, string name, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        var secret = ApiTokens.NewSecret();
        var token = new ApiToken
        {
            UserId = userId,
            Name = name,
            TokenHash = ApiTokens.Hash(secret),
            Prefix = ApiTokens.DisplayPrefix(secret),
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return (token, secret);
    }

    /// <summary>
    /// Checks a password. A disabled account fails even with the right password. The hash is computed whether or not
    /// the name exists or the account is disabled, so the time taken tells nothing about the account.
    /// </summary>
    public async Task<SignInOutcome> CheckPasswordAsync(string userName, string password, CancellationToken ct)
    {
        var normalized = userName.Trim().ToLowerInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == normalized, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(new UserAccount { UserName = "", PasswordHash = "", Role = "" }, DummyHash, password);
            return new SignInOutcome(SignInResultKind.Failed, null);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return new SignInOutcome(SignInResultKind.Failed, null);
        }

        if (user.Disabled)
        {
            return new SignInOutcome(SignInResultKind.Disabled, null);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }

        return new SignInOutcome(SignInResultKind.Succeeded, user);
    }

    /// <summary>Sets a new password on a tracked account (the caller ends its sessions and saves).</summary>
    public void SetPassword(UserAccount user, string password) => user.PasswordHash = hasher.HashPassword(user, password);

    /// <summary>What a password must be.</summary>
    public static readonly string PasswordRule = $"A password has at least {MinPasswordLength} characters.";

    private static readonly string DummyHash =
        new PasswordHasher<UserAccount>().HashPassword(new UserAccount { UserName = "", PasswordHash = "", Role = "" }, "not a password");
}

/// <summary>What a password check found.</summary>
public enum SignInResultKind
{
    /// <summary>Right password, account usable.</summary>
    Succeeded,

    /// <summary>Wrong user name or password.</summary>
    Failed,

    /// <summary>The account is disabled.</summary>
    Disabled,
}

/// <summary>Result of a password check.</summary>
/// <param name="Result">What was found.</param>
/// <param name="User">The account, on success.</param>
public sealed record SignInOutcome(SignInResultKind Result, UserAccount? User);
