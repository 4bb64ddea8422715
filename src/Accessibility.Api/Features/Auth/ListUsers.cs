using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>Use case: the accounts the caller manages, with whether sign-ins with their names are throttled now.</summary>
public sealed class ListUsers(RegistryDbContext db, SignInThrottling throttling)
{
    /// <summary>The accounts <paramref name="http"/>'s caller may manage, by user name.</summary>
    public async Task<IReadOnlyList<UserSummary>> RunAsync(HttpContext http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        // Few accounts: the prefix-based scope check runs here rather than in SQL.
        var all = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var throttled = await throttling.ThrottledAccountsAsync(ct);
        return all.Where(u => UserAdministration.MayManage(http.User, u.Role, u.DistrictScopes))
            .Select(u => UserSummary.From(u, throttled.TryGetValue(u.UserName, out var until) ? until : null)).ToList();
    }

    /// <summary>Account <paramref name="id"/>, if the caller manages it (else null: they may not learn it exists).</summary>
    public async Task<UserSummary?> OneAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null || !UserAdministration.MayManage(http.User, user.Role, user.DistrictScopes))
        {
            return null;
        }

        var throttled = await throttling.ThrottledAccountsAsync(ct);
        return UserSummary.From(user, throttled.TryGetValue(user.UserName, out var until) ? until : null);
    }
}
