using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Cli;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// The <c>api-key</c> verb of the service binary (<c>make api-key ARGS=…</c>): issue, list, revoke and show the usage of
/// departments' API keys. The secret is printed once and never stored; every change is audited with actor <c>system</c>.
/// </summary>
public static class SharingCli
{
    private const string Actor = "system";

    private const string Usage = """
        Usage:
          api-key create --department NAME --district CODE... --layer LAYER... [--purpose TEXT] [--expires-days DAYS]
          api-key list
          api-key revoke --id ID
          api-key usage --id ID [--days DAYS]
        Layers: facilities, roads, inspections, defects, public-reports, renovation-statistics, coverage, plan-targets.
        Districts: province, prefecture or county codes. The secret is printed once; send it as "X-Api-Key: <secret>".
        """;

    /// <summary><c>api-key create|list|revoke|usage …</c></summary>
    public static Task<int> RunAsync(string[] args, CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(cli);
        return args.FirstOrDefault() switch
        {
            "create" => CreateAsync(args[1..], cli),
            "list" => ListAsync(args[1..], cli),
            "revoke" => RevokeAsync(args[1..], cli),
            "usage" => UsageAsync(args[1..], cli),
            "help" or "--help" or "-h" => PrintAsync(cli.Out, Usage, CliContext.Success),
            null => PrintAsync(cli.Error, Usage, CliContext.Usage),
            var other => PrintAsync(cli.Error, $"Unknown command 'api-key {other}'.\n{Usage}", CliContext.Usage),
        };
    }

    private static async Task<int> CreateAsync(string[] args, CliContext cli)
    {
        var (options, error) = CliArguments.Parse(args, ["department", "purpose", "expires-days"], ["district", "layer"]);
        if (options is null || options.Value("department") is null)
        {
            return await PrintAsync(cli.Error, $"{error ?? "api-key create needs --department, --district and --layer."}\n{Usage}", CliContext.Usage);
        }

        int? days = null;
        if (options.Value("expires-days") is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return await PrintAsync(cli.Error, $"--expires-days: '{text}' is not a whole number of days.", CliContext.Usage);
            }

            days = parsed;
        }

        var request = new CreateApiKeyRequest(options.Value("department"), options.Value("purpose"),
            [.. options.Values("district")], [.. options.Values("layer")], days);
        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeys>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var errors = new FieldErrors();
        var (districts, layers) = await keys.ValidateAsync(request, errors, CancellationToken.None);
        if (!errors.IsEmpty)
        {
            foreach (var (field, messages) in errors.ToDictionary())
            {
                await cli.Error.WriteLineAsync($"{Option(field)}: {string.Join(" ", messages)}");
            }

            return CliContext.Failure;
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var (key, secret) = await keys.CreateAsync(request, districts, layers, null, Actor, CancellationToken.None);
        audit.Record(null, Actor, null, "create", ApiKeys.AuditEntity, Id(key.Id), null, ApiKeys.Snapshot(key));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();

        var expiry = key.ExpiresAt is { } e ? "expires " + e.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "never expires";
        await cli.Out.WriteLineAsync($"Created API key {Id(key.Id)} for {key.Department}: {string.Join(", ", key.Layers)} in {string.Join(", ", key.DistrictCodes)} ({expiry}).");
        await cli.Out.WriteLineAsync("Secret (shown once, not stored; send as \"X-Api-Key: <secret>\"):");
        await cli.Out.WriteLineAsync(secret);
        return CliContext.Success;
    }

    private static async Task<int> ListAsync(string[] args, CliContext cli)
    {
        var (options, error) = CliArguments.Parse(args, []);
        if (options is null)
        {
            return await PrintAsync(cli.Error, $"{error}\n{Usage}", CliContext.Usage);
        }

        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync();
        await cli.Out.WriteLineAsync(Row("ID", "PREFIX", "STATUS", "DISTRICTS", "LAST USED", "DEPARTMENT", "LAYERS"));
        foreach (var k in keys)
        {
            var status = k.RevokedAt is not null ? "revoked" : k.ExpiresAt <= now ? "expired" : "active";
            var lastUsed = k.LastUsedAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
            await cli.Out.WriteLineAsync(Row(Id(k.Id), k.Prefix, status, string.Join(",", k.DistrictCodes), lastUsed, k.Department, string.Join(",", k.Layers)));
        }

        return CliContext.Success;

        static string Row(string id, string prefix, string status, string districts, string lastUsed, string department, string layers) =>
            string.Format(CultureInfo.InvariantCulture, "{0,-6} {1,-12} {2,-8} {3,-20} {4,-16} {5} [{6}]", id, prefix, status, districts, lastUsed, department, layers).TrimEnd();
    }

    private static async Task<int> RevokeAsync(string[] args, CliContext cli)
    {
        if (await ParseIdAsync(args, ["id"], "revoke", cli) is not ({ } id, _))
        {
            return CliContext.Usage;
        }

        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id);
        if (key is null)
        {
            return await PrintAsync(cli.Error, $"No API key with id {Id(id)}.", CliContext.Failure);
        }

        if (key.RevokedAt is null)
        {
            var before = ApiKeys.Snapshot(key);
            key.RevokedAt = clock.GetUtcNow();
            audit.Record(null, Actor, null, "revoke", ApiKeys.AuditEntity, Id(id), before, ApiKeys.Snapshot(key));
            await db.SaveChangesAsync();
        }

        await cli.Out.WriteLineAsync($"API key {Id(id)} of {key.Department} is revoked.");
        return CliContext.Success;
    }

    private static async Task<int> UsageAsync(string[] args, CliContext cli)
    {
        if (await ParseIdAsync(args, ["id", "days"], "usage", cli) is not ({ } id, { } options))
        {
            return CliContext.Usage;
        }

        var days = ApiKeyEndpoints.DefaultUsageDays;
        if (options.Value("days") is { } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > ApiKeyEndpoints.MaxUsageDays))
        {
            return await PrintAsync(cli.Error, $"--days: expected 1 to {ApiKeyEndpoints.MaxUsageDays}.", CliContext.Usage);
        }

        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!await db.ApiKeys.AnyAsync(k => k.Id == id))
        {
            return await PrintAsync(cli.Error, $"No API key with id {Id(id)}.", CliContext.Failure);
        }

        var to = ApiKeyUsageRecorder.Day(now);
        await using var connection = await scope.ServiceProvider.GetRequiredService<Npgsql.NpgsqlDataSource>().OpenConnectionAsync();
        var rows = await SharingSql.UsageAsync(connection, id, to.AddDays(1 - days), to, CancellationToken.None);
        await cli.Out.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "{0,-10} {1,-22} {2,9}  {3}", "DAY", "LAYER", "REQUESTS", "ROUTE"));
        foreach (var r in rows)
        {
            await cli.Out.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "{0:yyyy-MM-dd} {1,-22} {2,9}  {3}", r.Day, r.Layer, r.Requests, r.Route));
        }

        await cli.Out.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "{0} requests in the last {1} days.", rows.Sum(r => r.Requests), days));
        return CliContext.Success;
    }

    private static async Task<(long? Id, CliArguments? Options)> ParseIdAsync(string[] args, string[] single, string verb, CliContext cli)
    {
        var (options, error) = CliArguments.Parse(args, single);
        if (options?.Value("id") is not { } text)
        {
            await PrintAsync(cli.Error, $"{error ?? $"api-key {verb} needs --id."}\n{Usage}", CliContext.Usage);
            return (null, null);
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            await PrintAsync(cli.Error, $"--id: '{text}' is not a key id.", CliContext.Usage);
            return (null, null);
        }

        return (id, options);
    }

    private static async Task<int> PrintAsync(TextWriter writer, string message, int exitCode)
    {
        await writer.WriteLineAsync(message.TrimEnd());
        return exitCode;
    }

    private static string Option(string field) => field switch
    {
        "districtCodes" => "--district",
        "layers" => "--layer",
        "expiresInDays" => "--expires-days",
        var other => "--" + other,
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
