using System.Text.Json;
using System.Text.Json.Serialization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Config;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Health;
using Accessibility.Api.Features;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.IO.Converters;
using Npgsql;

namespace Accessibility.Api;

/// <summary>Composition of the service: one place for services, one line per feature's endpoints.</summary>
public static class RegistryApp
{
    /// <summary>Builds the web application. Tests pass their own configuration through <paramref name="configure"/>.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var contentRoot = Directory.GetCurrentDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRoot,
            WebRootPath = RepoPaths.WebRoot(contentRoot),
        });
        ReadSettingsBesideTheService(builder);
        // ACCESSIBILITY_DB(_OWNER) first, so that configuration added by a caller (tests) can override it.
        foreach (var (variable, key) in new[]
        {
            (ConnectionStrings.EnvironmentVariable, ConnectionStrings.RuntimeKey),
            (ConnectionStrings.OwnerEnvironmentVariable, ConnectionStrings.OwnerKey),
            (StandbyOptions.EnvironmentVariable, StandbyOptions.ConnectionStringKey),
        })
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:" + key, fromEnvironment)]);
            }
        }

        configure?.Invoke(builder);

        var registry = builder.Configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new RegistryOptions();
        builder.Services.Configure<RegistryOptions>(builder.Configuration.GetSection(RegistryOptions.Section));
        builder.Services.AddSingleton(new RegistryPaths(
            RepoPaths.DataDir(registry, contentRoot),
            () => RepoPaths.NodeModulesDir(registry, contentRoot)));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new FacilityKindCatalog(Path.Combine(sp.GetRequiredService<RegistryPaths>().DataDir, "facility-kinds.json")));

        var connections = ConnectionStrings.Resolve(builder.Configuration, contentRoot);
        builder.Services.AddRegistryDatabase(connections, builder.Configuration);
        builder.Services.AddPublicUrls(builder.Configuration, registry);

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = registry.MaxRequestBodyBytes);
        builder.Services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = RequestErrorTitles.Retitle);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        builder.Services.AddExceptionHandler<DataErrorExceptionHandler>();
        builder.Services.AddOpenApi("v1");
        builder.Services.AddRegistryFeatures();
        builder.Services.AddStaffWorkspace();
        builder.Services.AddRegistryCompression();

        var app = builder.Build();
        app.UseRegistrySecurityHeaders();
        app.UsePublicUrls();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseReadYourWrites();
        app.UseInputGuard();
        app.UseRegistryCompression();
        app.UseMapPageDemoNotice();
        app.UseDefaultFiles();
        app.UsePrecompressedFiles();
        app.UseStaticFiles(PrecompressedFiles.StaticFileOptions());
        app.UseStaffWorkspace();
        app.UseRegistryAuth();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapHealthEndpoints();
        app.MapConfigEndpoints();
        app.MapRegistryFeatures();
        app.MapStaffWorkspace();
        return app;
    }

    /// <summary>
    /// The content root is the directory the service is started from (the repository, for <c>make run</c>), so the
    /// host's default <c>appsettings.json</c> sources point at a file that does not exist there. They are replaced,
    /// in place (environment variables and the command line still win), by the files beside the service's binaries,
    /// where the build copies <c>src/Accessibility.Api/appsettings*.json</c>.
    /// </summary>
    private static void ReadSettingsBesideTheService(WebApplicationBuilder builder)
    {
        var binaries = Path.GetDirectoryName(typeof(RegistryApp).Assembly.Location) ?? AppContext.BaseDirectory;
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path: { } path } json
                && path.StartsWith("appsettings", StringComparison.Ordinal))
            {
                var replacement = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = false,
                    FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(binaries),
                };
                sources[i] = replacement;
            }
        }
    }

    /// <summary>JSON as the API speaks it: camelCase, enums as strings, GeoJSON geometries.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new GeoJsonConverterFactory());
    }

    /// <summary>Applies migrations and loads districts, plan targets and demo data into an empty database.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var seeder = scope.ServiceProvider.GetRequiredService<DatabaseSeeder>();
        await seeder.MigrateAndSeedAsync(cancellationToken);
    }
}

/// <summary>Resolved folders the service reads data from.</summary>
/// <param name="DataDir">The committed <c>data/</c> folder.</param>
/// <param name="NodeModulesDir">Lazily found <c>node_modules/</c>: only the district loader needs it.</param>
public sealed record RegistryPaths(string DataDir, Func<string> NodeModulesDir);

internal static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// The runtime role's data source and context for requests; the owner's connection only for migrating; with
    /// <c>ConnectionStrings:RegistryStandby</c>, a streaming standby for the reads that may be stale (<see cref="StaleReads"/>).
    /// </summary>
    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services, RegistryConnections connections, IConfiguration configuration)
    {
        var dataSource = BuildDataSource(connections.Runtime);
        services.AddSingleton(connections);
        services.AddSingleton(dataSource);
        services.Configure<StandbyOptions>(configuration.GetSection(StandbyOptions.Section));
        var standby = configuration.GetConnectionString(StandbyOptions.ConnectionStringKey);
        if (string.IsNullOrWhiteSpace(standby))
        {
            services.AddSingleton(sp => new StaleReads(dataSource));
        }
        else
        {
            // Same roles and database as the primary (a physical copy); named, so its sessions show in pg_stat_activity,
            // and quick to give up connecting, so a standby that went away costs a read little before the primary answers.
            var standbyConnection = new NpgsqlConnectionStringBuilder(standby) { ApplicationName = Standby.ApplicationName };
            standbyConnection.Timeout = Math.Min(standbyConnection.Timeout, 3);
            var standbySource = BuildDataSource(standbyConnection.ConnectionString);
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<Standby>(sp, standbySource, dataSource));
            services.AddHostedService<StandbyWatch>();
            services.AddSingleton(sp => new StaleReads(dataSource, sp.GetRequiredService<Standby>()));
        }

        services.AddDbContext<RegistryDbContext>(o => UseRegistryDatabase(o, dataSource));
        services.AddScoped<DatabaseSeeder>();
        return services;
    }

    /// <summary>A data source that maps PostGIS geometries and dynamic JSON, as every connection of the registry needs.</summary>
    public static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        dataSourceBuilder.UseNetTopologySuite();
        dataSourceBuilder.EnableDynamicJson();
        return dataSourceBuilder.Build();
    }

    /// <summary>The context's options: the same for the runtime context and the owner's migrating one.</summary>
    public static DbContextOptionsBuilder UseRegistryDatabase(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) => options
        .UseNpgsql(dataSource, npgsql => npgsql.UseNetTopologySuite().MigrationsHistoryTable("__ef_migrations_history"))
        .UseSnakeCaseNamingConvention();
}
