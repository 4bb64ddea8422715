using System.Globalization;
using System.Security.Cryptography;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Cli;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// The <c>user</c> and <c>token</c> verbs of the service binary (<c>make user ARGS=…</c>, <c>make token ARGS=…</c>).
/// Passwords and token secrets are printed once and never stored; every change is audited with actor <c>system</c>.
/// </summary>
public static class AuthCli
{
    private const string UserUsage = """
        Usage:
          user create --name NAME --role ROLE [--district CODE]... [--grid CODE]... [--display-name NAME] [--managing-unit UNIT] [--password-stdin]
          user list
          user disable --name NAME
          user enable --name NAME
        Roles: inspector, planner, district-admin, system-admin, managing-unit, grid-worker. Every role but system-admin and
        grid-worker needs a --district; a managing-unit account names its unit with --managing-unit; a grid-worker account
        names its community grids with --grid (its districts are their counties).
        Without --password-stdin a strong password is generated and printed once.
        """;

    private const string TokenUsage = """
        Usage:
          token create --user NAME --name TOKEN-NAME [--expires-days DAYS]
          token revoke --id ID
        The secret is printed once; send it as "Authorization: Bearer <secret>".
        """;

    // No 0/O, 1/l/I: a password read off a screen should not be ambiguous. 20 characters ≈ 117 bits.
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary><c>user create|list|disable|enable …</c></summary>
    public static Task<int> UserAsync(string[] args, CliContext cli) => (args.FirstOrDefault() switch
    {
        "create" => CreateUserAsync(args[1..], cli),
        "list" => ListUsersAsync(args[1..], cli),
        "disable" => SetDisabledAsync(args[1..], cli, disabled: true),
        "enable" => SetDisabledAsync(args[1..], cli, disabled: false),
        "help" or "--help" or "-h" => PrintAsync(cli.Out, UserUsage, CliContext.Success),
        null => PrintAsync(cli.Error, UserUsage, CliContext.Usage),
        var other => PrintAsync(cli.Error, $"Unknown command 'user {other}'.\n{UserUsage}", CliContext.Usage),
    });

    /// <summary><c>token create|revoke …</c></summary>
    public static Task<int> TokenAsync(string[] args, CliContext cli) => (args.FirstOrDefault() switch
    {
        "create" => CreateTokenAsync(args[1..], cli),
        "revoke" => RevokeTokenAsync(args[1..], cli),
        "help" or "--help" or "-h" => PrintAsync(cli.Out, TokenUsage, CliContext.Success),
        null => PrintAsync(cli.Error, TokenUsage, CliContext.Usage),
        var other => PrintAsync(cli.Error, $"Unknown command 'token {other}'.\n{TokenUsage}", CliContext.Usage),
    });

    private static async Task<int> CreateUserAsync(string[] args, CliContext cli)
    {
        var (options, error) = CliArguments.Parse(args, ["name", "role", "display-name", "managing-unit"], ["district", "grid"], ["password-stdin"]);
        if (options is null || options.Value("name") is null || options.Value("role") is null)
        {
            return await PrintAsync(cli.Error, $"{error ?? "user create needs --name and --role."}\n{UserUsage}", CliContext.Usage);
        }

        string password;
        var generated = !options.Has("password-stdin");
        if (generated)
        {
            password = RandomNumberGenerator.GetString(PasswordAlphabet, 20);
        }
        else
        {
            password = (await cli.In.ReadLineAsync())?.TrimEnd('\r', '\n') ?? "";
        }

        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();

        await using var transaction = await db.Database.BeginTransactionAsync();
        var (user, errors) = await accounts.CreateAsync(
            options.Value("name")!, password, options.Value("role")!, options.Values("district"), options.Value("display-name"), CancellationToken.None,
            options.Value("managing-unit"), options.Values("grid"));
        if (user is null)
        {
            foreach (var (field, messages) in errors)
            {
                await cli.Error.WriteLineAsync($"{Option(field)}: {string.Join(" ", messages)}");
            }

            return CliContext.Failure;
        }

        audit.Record(null, AuthAudit.CommandLine, null, "create", AuthAudit.UserEntity, Id(user.Id), null, AuthAudit.Snapshot(user));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();

        var scopes = user.DistrictScopes.Count == 0 ? "all districts" : string.Join(", ", user.DistrictScopes);
        await cli.Out.WriteLineAsync($"Created user {user.UserName} (id {Id(user.Id)}): {user.Role} in {scopes}.");
        if (generated)
        {
            await cli.Out.WriteLineAsync("Password (shown once, not stored):");
            await cli.Out.WriteLineAsync(password);
        }

        return CliContext.Success;
    }

    private static async Task<int> ListUsersAsync(string[] args, CliContext cli)
    {
        var (options, error) = CliArguments.Parse(args, []);
        if (options is null)
        {
            return await PrintAsync(cli.Error, $"{error}\n{UserUsage}", CliContext.Usage);
        }

        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var throttled = await scope.ServiceProvider.GetRequiredService<SignInThrottling>().ThrottledAccountsAsync(CancellationToken.None);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync();
        await cli.Out.WriteLineAsync(Row("ID", "NAME", "ROLE", "DISTRICTS", "STATUS", "DISPLAY NAME"));
        foreach (var u in users)
        {
            var status = u.Disabled ? "disabled" : throttled.ContainsKey(u.UserName) ? "throttled" : "active";
            await cli.Out.WriteLineAsync(Row(Id(u.Id), u.UserName, u.Role,
                u.DistrictScopes.Count == 0 ? "-" : string.Join(",", u.DistrictScopes), status, u.DisplayName ?? ""));
        }

        return CliContext.Success;

        static string Row(string id, string name, string role, string districts, string status, string display) =>
            string.Format(CultureInfo.InvariantCulture, "{0,-6} {1,-20} {2,-15} {3,-20} {4,-9} {5}", id, name, role, districts, status, display).TrimEnd();
    }

    private static async Task<int> SetDisabledAsync(string[] args, CliContext cli, bool disabled)
    {
        var verb = disabled ? "disable" : "enable";
        var (options, error) = CliArguments.Parse(args, ["name"]);
        if (options?.Value("name") is not { } name)
        {
            return await PrintAsync(cli.Error, $"{error ?? $"user {verb} needs --name."}\n{UserUsage}", CliContext.Usage);
        }

        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var normalized = name.Trim().ToLowerInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == normalized);
        if (user is null)
        {
            return await PrintAsync(cli.Error, $"No user named '{normalized}'.", CliContext.Failure);
        }

        if (user.Disabled != disabled)
        {
            var before = AuthAudit.Snapshot(user);
            if (disabled)
            {
                await scope.ServiceProvider.GetRequiredService<UserSessions>().EndAllAsync(user.Id, CancellationToken.None);
            }

            user.Disabled = disabled;
            audit.Record(null, AuthAudit.CommandLine, null, "update", AuthAudit.UserEntity, Id(user.Id), before, AuthAudit.Snapshot(user));
            await db.SaveChangesAsync();
        }

        var state = disabled ? "disabled: it cannot sign in, its sessions ended and its tokens stop working" : "enabled";
        await cli.Out.WriteLineAsync($"User {user.UserName} is {state}.");
        return CliContext.Success;
    }

    private static async Task<int> CreateTokenAsync(string[] args, CliContext cli)
    {
        var (options, error) = CliArguments.Parse(args, ["user", "name", "expires-days"]);
        if (options is null || options.Value("user") is null || options.Value("name") is null)
        {
            return await PrintAsync(cli.Error, $"{error ?? "token create needs --user and --name."}\n{TokenUsage}", CliContext.Usage);
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

        var errors = AuthEndpoints.ValidateToken(options.Value("name"), days);
        if (errors.Count > 0)
        {
            return await PrintAsync(cli.Error, string.Join("\n", errors.Select(e => $"{Option(e.Key)}: {string.Join(" ", e.Value)}")), CliContext.Failure);
        }

        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var userName = options.Value("user")!.Trim().ToLowerInvariant();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == userName);
        if (user is null)
        {
            return await PrintAsync(cli.Error, $"No user named '{userName}'.", CliContext.Failure);
        }

        if (user.Disabled)
        {
            return await PrintAsync(cli.Error, $"User {userName} is disabled: a token would not work. Enable it first (user enable --name {userName}).", CliContext.Failure);
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var expiresAt = days is { } d ? clock.GetUtcNow().AddDays(d) : (DateTimeOffset?)null;
        var (token, secret) = await accounts.CreateTokenAsync(user.Id, options.Value("name")!.Trim(), expiresAt, CancellationToken.None);
        audit.Record(null, AuthAudit.CommandLine, null, "create", AuthAudit.TokenEntity, Id(token.Id), null, AuthAudit.Snapshot(token));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();

        var expiry = expiresAt is { } e ? "expires " + e.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "never expires";
        await cli.Out.WriteLineAsync($"Created token {Id(token.Id)} \"{token.Name}\" for {user.UserName} ({expiry}).");
        await cli.Out.WriteLineAsync("Secret (shown once, not stored; send as \"Authorization: Bearer <secret>\"):");
        await cli.Out.WriteLineAsync(secret);
        return CliContext.Success;
    }

    private static async Task<int> RevokeTokenAsync(string[] args, CliContext cli)
    {
        var (options, error) = CliArguments.Parse(args, ["id"]);
        if (options?.Value("id") is not { } text)
        {
            return await PrintAsync(cli.Error, $"{error ?? "token revoke needs --id."}\n{TokenUsage}", CliContext.Usage);
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return await PrintAsync(cli.Error, $"--id: '{text}' is not a token id.", CliContext.Usage);
        }

        await using var app = await cli.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id);
        if (token is null)
        {
            return await PrintAsync(cli.Error, $"No token with id {Id(id)}.", CliContext.Failure);
        }

        if (token.RevokedAt is null)
        {
            var before = AuthAudit.Snapshot(token);
            token.RevokedAt = clock.GetUtcNow();
            audit.Record(null, AuthAudit.CommandLine, null, "revoke", AuthAudit.TokenEntity, Id(id), before, AuthAudit.Snapshot(token));
            await db.SaveChangesAsync();
        }

        await cli.Out.WriteLineAsync($"Token {Id(id)} \"{token.Name}\" is revoked.");
        return CliContext.Success;
    }

    private static async Task<int> PrintAsync(TextWriter writer, string message, int exitCode)
    {
        await writer.WriteLineAsync(message.TrimEnd());
        return exitCode;
    }

    /// <summary>The command-line option a validation error is about.</summary>
    private static string Option(string field) => field switch
    {
        "userName" => "--name",
        "districtScopes" => "--district",
        "password" => "password",
        "expiresInDays" => "--expires-days",
        "managingUnit" => "--managing-unit",
        "gridCodes" => "--grid",
        var other => "--" + other,
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
