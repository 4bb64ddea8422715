using System.Globalization;
using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Slows password guessing without letting anyone lock a real user out, and without telling which user names exist.
/// Failures are counted per client address, per typed user name (existing or not) and per pair of both, in the
/// database so that every instance counts the same. Past a few free failures a key is blocked with growing delays
/// (429 with <c>Retry-After</c>). A blocked user name still lets in a client address that has not failed on it:
/// an attacker's failures slow the attacker, not the user signing in from elsewhere. See docs/users.md.
/// </summary>
public sealed class SignInThrottling(RegistryDbContext db, TimeProvider clock)
{
    /// <summary>A count restarts when its key has had no failure for this long.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Failures on one user name that throttle it (the next attempt waits).</summary>
    public const int FreeAccountFailures = 5;

    /// <summary>Failures from one client address (on any names) that throttle the address: offices share an address.</summary>
    public const int FreeAddressFailures = 20;

    /// <summary>The first delay once throttled; it doubles with every further failure.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(15);

    /// <summary>The longest delay.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    /// <summary>
    /// When sign-ins for <paramref name="userName"/> from <paramref name="address"/> are refused now, the time they may
    /// be tried again; otherwise null. The same whether or not the name exists.
    /// </summary>
    public async Task<DateTimeOffset?> BlockedUntilAsync(string userName, string address, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        string ip = AddressKey(address), account = AccountKey(userName), pair = PairKey(userName, address);
        var rows = await db.SignInThrottles.AsNoTracking()
            .Where(t => t.Key == ip || t.Key == account || t.Key == pair)
            .ToDictionaryAsync(t => t.Key, StringComparer.Ordinal, ct);
        DateTimeOffset? until = null;
        if (rows.TryGetValue(ip, out var byAddress) && byAddress.BlockedUntil > now)
        {
            until = byAddress.BlockedUntil;
        }

        // The name is throttled, but only for addresses that have themselves failed on it lately.
        if (rows.TryGetValue(account, out var byName) && byName.BlockedUntil > now
            && rows.TryGetValue(pair, out var byPair) && byPair.LastFailureAt > now - Window
            && (until is null || byName.BlockedUntil > until))
        {
            until = byName.BlockedUntil;
        }

        return until;
    }

    /// <summary>Counts a failed sign-in (or a wrong current password) under the address, the name and the pair.</summary>
    public async Task CountFailureAsync(string userName, string address, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // A key quiet for a whole window counts from zero again (and its block, at most 15 minutes, is over): sweep such rows.
        var stale = now - Window;
        await db.SignInThrottles.Where(t => t.LastFailureAt < stale).ExecuteDeleteAsync(ct);
        await CountAsync(AddressKey(address), FreeAddressFailures, now, ct);
        await CountAsync(AccountKey(userName), FreeAccountFailures, now, ct);
        // The pair is never blocked by itself: it only remembers that this address failed on this name.
        await CountAsync(PairKey(userName, address), int.MaxValue, now, ct);
    }

    /// <summary>After a successful sign-in: the name's count and this address's failures on it start afresh (the address's own count stays).</summary>
    public Task ForgetAccountAsync(string userName, CancellationToken ct)
    {
        string account = AccountKey(userName), pairs = PairPrefix(userName);
        return db.SignInThrottles.Where(t => t.Key == account || t.Key.StartsWith(pairs)).ExecuteDeleteAsync(ct);
    }

    /// <summary>The accounts whose names are throttled now, with the time the throttle ends.</summary>
    public async Task<Dictionary<string, DateTimeOffset>> ThrottledAccountsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await db.SignInThrottles.AsNoTracking()
            .Where(t => t.Key.StartsWith(AccountPrefix) && t.BlockedUntil > now)
            .Select(t => new { t.Key, t.BlockedUntil }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Key[AccountPrefix.Length..], r => r.BlockedUntil!.Value, StringComparer.Ordinal);
    }

    private Task CountAsync(string key, int free, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(AuthSql.CountFailure,
        [
            new NpgsqlParameter("key", key),
            new NpgsqlParameter("now", now),
            new NpgsqlParameter("window", Window),
            new NpgsqlParameter("free", free),
            new NpgsqlParameter("base_seconds", FirstDelay.TotalSeconds),
            new NpgsqlParameter("max_seconds", MaxDelay.TotalSeconds),
        ], ct);

    private const string AccountPrefix = "account:";

    // Names are cut to the longest a user name may be; addresses are at most 45 characters (IPv6), so keys fit in 200.
    private static string Name(string userName) => userName.Length <= 100 ? userName : userName[..100];

    private static string AddressKey(string address) => "ip:" + address;

    private static string AccountKey(string userName) => AccountPrefix + Name(userName);

    private static string PairPrefix(string userName) => "pair:" + Name(userName) + "\n";

    private static string PairKey(string userName, string address) => PairPrefix(userName) + address;

    /// <summary>Seconds to put in <c>Retry-After</c> until <paramref name="until"/>, at least 1.</summary>
    public string RetryAfter(DateTimeOffset until) =>
        Math.Max(1, (int)Math.Ceiling((until - clock.GetUtcNow()).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
