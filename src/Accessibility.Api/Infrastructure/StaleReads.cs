using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Connections for public reads that may lag the last commit by a standby's replay delay: tiles, public lists and the
/// OGC items. They are opened here and nowhere else, so where such reads go is decided in one place: the streaming
/// standby (<c>ConnectionStrings:RegistryStandby</c>) when one is configured, reachable, still in recovery and no more
/// than <see cref="StandbyOptions.MaxLagSeconds"/> behind; otherwise the primary. A client that wrote carries its
/// commit position (<see cref="ReadYourWrites"/>), and its reads go to the primary until the standby has replayed it.
/// The caller disposes the connection.
/// </summary>
public sealed class StaleReads(NpgsqlDataSource primary, Standby? standby = null)
{
    /// <summary>Opens a connection for a read of <paramref name="http"/>'s request that may be slightly stale.</summary>
    public async ValueTask<NpgsqlConnection> OpenAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (standby is not null && standby.Serves(ReadYourWrites.ReadAfter(http)))
        {
            try
            {
                return await standby.DataSource.OpenConnectionAsync(cancellationToken);
            }
            catch (Exception e) when (DatabaseUnavailableExceptionHandler.IsUnavailable(e))
            {
                // Down since the last look: the primary answers, and the watch brings the standby back once it answers.
                standby.MarkDown(e);
            }
        }

        return await primary.OpenConnectionAsync(cancellationToken);
    }
}

/// <summary>How the standby is used (<c>Registry:Standby</c>); its connection string is <c>ConnectionStrings:RegistryStandby</c>.</summary>
public sealed class StandbyOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Registry:Standby";

    /// <summary>Configuration key (under <c>ConnectionStrings</c>) of the standby's connection string.</summary>
    public const string ConnectionStringKey = "RegistryStandby";

    /// <summary>Environment variable with the standby's connection string.</summary>
    public const string EnvironmentVariable = "ACCESSIBILITY_DB_STANDBY";

    /// <summary>
    /// The most a read sent to the standby may lag the primary, seconds: a standby further behind (replay paused, a
    /// lost network) is left aside until it catches up. Also how long a writer's read-your-writes cookie lives.
    /// </summary>
    public int MaxLagSeconds { get; set; } = 30;

    /// <summary>How often the standby's replay position and the primary's WAL position are read, milliseconds.</summary>
    public int PollMilliseconds { get; set; } = 250;
}

/// <summary>
/// The streaming standby: its data source (application name <c>accessibility-stale-reads</c>) and what the last look
/// at it found — reachable, in recovery, the WAL position it has replayed, and how far behind the primary that is.
/// The replay position is read every <see cref="StandbyOptions.PollMilliseconds"/>, so it only ever understates
/// what the standby holds: a read routed by it never misses a write it was promised.
/// </summary>
public sealed partial class Standby(NpgsqlDataSource dataSource, NpgsqlDataSource primary, IOptions<StandbyOptions> options,
    TimeProvider clock, ILogger<Standby> logger) : IAsyncDisposable
{
    /// <summary>Application name of the standby's connections (visible in its <c>pg_stat_activity</c>).</summary>
    public const string ApplicationName = "accessibility-stale-reads";

    private readonly Queue<(long At, ulong Lsn)> primarySamples = new();
    private volatile Look current = Look.Unknown;

    /// <summary>The standby's data source.</summary>
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The last look at the standby.</summary>
    public Look Current => current;

    /// <summary>Whether the standby may serve a read that must see every commit up to <paramref name="readAfter"/>.</summary>
    public bool Serves(ulong? readAfter)
    {
        var look = current;
        return look.Usable && (readAfter is null || readAfter.Value <= look.ReplayLsn);
    }

    /// <summary>Leaves the standby aside after a failed connection, until the next look finds it answering again.</summary>
    public void MarkDown(Exception error)
    {
        if (current.Usable)
        {
            LogDown(logger, error.GetBaseException().Message);
        }

        current = Look.Unknown;
        dataSource.Clear();
    }

    /// <summary>The primary's current WAL position: every commit acknowledged so far lies at or before it.</summary>
    public async Task<ulong> PrimaryLsnAsync(CancellationToken ct)
    {
        await using var connection = await primary.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()", connection);
        return (ulong)(NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// One look: the primary's position first, then the standby's replay position, so a replay position at or past
    /// a sample means the standby holds everything committed before that sample was taken.
    /// </summary>
    public async Task LookAsync(CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        try
        {
            primarySamples.Enqueue((now, await PrimaryLsnAsync(ct)));
        }
        catch (Exception e) when (DatabaseUnavailableExceptionHandler.IsUnavailable(e))
        {
            // Without the primary's position the lag is unknown; reads fail over with the primary anyway.
            current = Look.Unknown;
            return;
        }

        var window = TimeSpan.FromSeconds(options.Value.MaxLagSeconds) * 2;
        while (primarySamples.Count > 1 && clock.GetElapsedTime(primarySamples.Peek().At, now) > window)
        {
            primarySamples.Dequeue();
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var inRecovery = reader.GetBoolean(0);
            var replay = reader.IsDBNull(1) ? 0UL : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
            // Fresh as of the latest primary sample the standby has replayed past.
            long? freshAt = null;
            foreach (var (at, lsn) in primarySamples)
            {
                if (lsn <= replay)
                {
                    freshAt = at;
                }
            }

            var lag = freshAt is { } t ? clock.GetElapsedTime(t, now) : (TimeSpan?)null;
            // A promoted standby is no longer a copy of the primary: reading it could show another history.
            var usable = inRecovery && lag is { } l && l <= TimeSpan.FromSeconds(options.Value.MaxLagSeconds);
            if (usable != current.Usable)
            {
                LogChanged(logger, usable, inRecovery, lag?.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) ?? "unknown");
            }

            current = new Look(usable, inRecovery, replay, lag);
        }
        catch (Exception e) when (DatabaseUnavailableExceptionHandler.IsUnavailable(e))
        {
            MarkDown(e);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The standby is unreachable ({Error}); reads that may be stale go to the primary.")]
    private static partial void LogDown(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Standby serves stale-OK reads: {Usable} (in recovery: {InRecovery}, behind by {LagSeconds} s).")]
    private static partial void LogChanged(ILogger logger, bool usable, bool inRecovery, string lagSeconds);

    /// <summary>What one look found.</summary>
    /// <param name="Usable">Reachable, in recovery and within the allowed lag.</param>
    /// <param name="InRecovery">Still a standby (not promoted).</param>
    /// <param name="ReplayLsn">WAL position replayed (every commit at or before it is visible there).</param>
    /// <param name="Lag">How far its data are behind the primary's, as time; null when not known.</param>
    public sealed record Look(bool Usable, bool InRecovery, ulong ReplayLsn, TimeSpan? Lag)
    {
        /// <summary>Not looked at yet, or unreachable.</summary>
        public static readonly Look Unknown = new(false, false, 0, null);
    }
}

/// <summary>Looks at the standby every <see cref="StandbyOptions.PollMilliseconds"/> while the service runs.</summary>
internal sealed class StandbyWatch(Standby standby, IOptions<StandbyOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(20, options.Value.PollMilliseconds)));
        do
        {
            try
            {
                await standby.LookAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                standby.MarkDown(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>
/// Read-your-own-writes with a standby: every successful unsafe request (POST, PUT, PATCH, DELETE) answers with the
/// primary's WAL position after its commit, as the cookie <see cref="CookieName"/> (browsers) and the header
/// <see cref="HeaderName"/> (API clients send it back as the same request header). A request carrying a position the
/// standby has not replayed yet reads from the primary. The cookie lives <see cref="StandbyOptions.MaxLagSeconds"/>:
/// by then the standby has replayed it, or is left aside for every reader.
/// </summary>
public static class ReadYourWrites
{
    /// <summary>Cookie with the commit position of the client's last write.</summary>
    public const string CookieName = "registry_lsn";

    /// <summary>Response (and request) header with that position, as PostgreSQL writes it (<c>16/B374D848</c>).</summary>
    public const string HeaderName = "Registry-LSN";

    /// <summary>Key of the request's parsed position in <see cref="HttpContext.Items"/>.</summary>
    private static readonly object PositionKey = new();

    /// <summary>Adds the position to every successful write's answer, when a standby is configured.</summary>
    public static IApplicationBuilder UseReadYourWrites(this IApplicationBuilder app)
    {
        var standby = app.ApplicationServices.GetService<Standby>();
        if (standby is null)
        {
            return app;
        }

        var maxAge = TimeSpan.FromSeconds(app.ApplicationServices.GetRequiredService<IOptions<StandbyOptions>>().Value.MaxLagSeconds);
        return app.Use((http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method))
            {
                http.Response.OnStarting(() => StampAsync(http, standby, maxAge));
            }

            return next(http);
        });
    }

    private static async Task StampAsync(HttpContext http, Standby standby, TimeSpan maxAge)
    {
        if (http.Response.StatusCode >= 400)
        {
            return;
        }

        ulong lsn;
        try
        {
            lsn = await standby.PrimaryLsnAsync(http.RequestAborted);
        }
        catch (Exception e) when (DatabaseUnavailableExceptionHandler.IsUnavailable(e) || e is OperationCanceledException)
        {
            // Position unknown: the highest one keeps this client on the primary for the cookie's life.
            lsn = ulong.MaxValue;
        }

        var text = new NpgsqlLogSequenceNumber(lsn).ToString();
        http.Response.Headers[HeaderName] = text;
        http.Response.Cookies.Append(CookieName, text, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = "/",
            MaxAge = maxAge,
            IsEssential = true,
        });
    }

    /// <summary>
    /// The position the request must read after: its header or cookie (the later of the two); null when it has none.
    /// An unreadable one counts as the highest, so the read goes to the primary.
    /// </summary>
    public static ulong? ReadAfter(HttpContext http)
    {
        if (http.Items.TryGetValue(PositionKey, out var cached))
        {
            return (ulong?)cached;
        }

        ulong? after = null;
        foreach (var text in http.Request.Headers[HeaderName].Append(http.Request.Cookies[CookieName]))
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            var lsn = NpgsqlLogSequenceNumber.TryParse(text.Trim(), out var parsed) ? (ulong)parsed : ulong.MaxValue;
            after = after is { } a ? Math.Max(a, lsn) : lsn;
        }

        http.Items[PositionKey] = after;
        return after;
    }
}
