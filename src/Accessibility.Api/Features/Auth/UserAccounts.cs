using Accessibility.Api.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>Creates accounts and tokens and checks passwords, with lockout after repeated failures.</summary>
public sealed class UserAccounts(RegistryDbContext db, IPasswordHasher<UserAccount> hasher, TimeProvider clock)
{
    /// <summary>Failed sign-ins that lock an account.</summary>
    public const int MaxFailedAttempts = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>Creates an account. Returns the errors by field when the request is invalid.</summary>
    public async Task<(UserAccount? User, Dictionary<string, string[]> Errors)> CreateAsync(
        string userName, string password, string role, IReadOnlyCollection<string> districtScopes, string? displayName, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var normalized = userName.Trim().ToLowerInvariant();
        if (normalized.Length is < 2 or > 100)
        {
            errors["userName"] = ["A user name has 2 to 100 characters."];
        }
        else if (await db.Users.AnyAsync(u => u.UserName == normalized, ct))
        {
            errors["userName"] = [$"The user name '{normalized}' is taken."];
        }

        if (password.Length < 10)
        {
            errors["password"] = ["A password has at least 10 characters."];
        }

        await ValidateRoleAndScopesAsync(role, districtScopes, errors, ct);
        var codes = districtScopes.Distinct(StringComparer.Ordinal).ToList();
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
            errors["userName"] = [$"The user name '{normalized}' is taken."];
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
        else if (Roles.IsScoped(role) && districtScopes.Count == 0)
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
    /// Checks a password. A locked or disabled account fails even with the right password;
    /// <see cref="MaxFailedAttempts"/> failures in a row lock it for <see cref="LockoutDuration"/>.
    /// </summary>
    public async Task<SignInOutcome> CheckPasswordAsync(string userName, string password, CancellationToken ct)
    {
        var normalized = userName.Trim().ToLowerInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == normalized, ct);
        if (user is null)
        {
            // Same work as a real check, so response times do not reveal which names exist.
            hasher.VerifyHashedPassword(new UserAccount { UserName = "", PasswordHash = "", Role = "" }, DummyHash, password);
            return new SignInOutcome(SignInResultKind.Failed, null);
        }

        var now = clock.GetUtcNow();
        if (user.Disabled)
        {
            return new SignInOutcome(SignInResultKind.Disabled, null);
        }

        if (user.LockoutEnd > now)
        {
            return new SignInOutcome(SignInResultKind.LockedOut, null);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.AccessFailedCount++;
            if (user.AccessFailedCount >= MaxFailedAttempts)
            {
                user.LockoutEnd = now + LockoutDuration;
                user.AccessFailedCount = 0;
            }

            await db.SaveChangesAsync(ct);
            return new SignInOutcome(user.LockoutEnd > now ? SignInResultKind.LockedOut : SignInResultKind.Failed, null);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        await db.SaveChangesAsync(ct);
        return new SignInOutcome(SignInResultKind.Succeeded, user);
    }

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

    /// <summary>Too many failures: locked for a while.</summary>
    LockedOut,

    /// <summary>The account is disabled.</summary>
    Disabled,
}

/// <summary>Result of a password check.</summary>
/// <param name="Result">What was found.</param>
/// <param name="User">The account, on success.</param>
public sealed record SignInOutcome(SignInResultKind Result, UserAccount? User);
