using Npgsql;

namespace Accessibility.Api.Data;

/// <summary>
/// The two database connections of the registry: the runtime role that serves requests and the owner role that
/// runs migrations (and grants the runtime role its rights on every table after them).
/// </summary>
/// <param name="Runtime">Reads and writes data; may only append to <c>audit_entries</c>.</param>
/// <param name="Owner">Owns the schema; used only while migrating at start-up. Equal to <paramref name="Runtime"/>
/// when a single role was configured (then no rights are granted or taken).</param>
public sealed record RegistryConnections(string Runtime, string Owner)
{
    /// <summary>Whether migrations run as another role than requests, so the runtime role is granted its rights.</summary>
    public bool SeparateOwner => !string.Equals(
        new NpgsqlConnectionStringBuilder(Runtime).Username, new NpgsqlConnectionStringBuilder(Owner).Username, StringComparison.Ordinal);

    /// <summary>The role requests run as.</summary>
    public string RuntimeRole => new NpgsqlConnectionStringBuilder(Runtime).Username
        ?? throw new InvalidOperationException("The runtime connection string names no user.");
}

/// <summary>Where the database connection strings come from.</summary>
public static class ConnectionStrings
{
    /// <summary>Environment variable with the runtime connection to an existing PostGIS (<c>ConnectionStrings:Registry</c>).</summary>
    public const string EnvironmentVariable = "ACCESSIBILITY_DB";

    /// <summary>Environment variable with the owner's connection to it (<c>ConnectionStrings:RegistryOwner</c>).</summary>
    public const string OwnerEnvironmentVariable = "ACCESSIBILITY_DB_OWNER";

    /// <summary>Configuration key of the runtime connection.</summary>
    public const string RuntimeKey = "Registry";

    /// <summary>Configuration key of the owner connection.</summary>
    public const string OwnerKey = "RegistryOwner";

    /// <summary>
    /// <c>ConnectionStrings:Registry</c> (which ACCESSIBILITY_DB sets) and <c>ConnectionStrings:RegistryOwner</c>
    /// (ACCESSIBILITY_DB_OWNER; without it the runtime connection also migrates, as one role); else the private
    /// cluster's files written by <c>scripts/pg.sh</c> (so a plain <c>dotnet run</c> finds the cluster
    /// <c>make run</c> started).
    /// </summary>
    public static RegistryConnections Resolve(IConfiguration configuration, string contentRoot)
    {
        var runtime = configuration.GetConnectionString(RuntimeKey);
        var owner = configuration.GetConnectionString(OwnerKey);
        if (!string.IsNullOrWhiteSpace(runtime))
        {
            return new RegistryConnections(runtime, string.IsNullOrWhiteSpace(owner) ? runtime : owner);
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "var", "pg", "connection-string");
            if (File.Exists(file))
            {
                var ownerFile = Path.Combine(dir.FullName, "var", "pg", "owner-connection-string");
                runtime = File.ReadAllText(file).Trim();
                return new RegistryConnections(
                    runtime,
                    !string.IsNullOrWhiteSpace(owner) ? owner : File.Exists(ownerFile) ? File.ReadAllText(ownerFile).Trim() : runtime);
            }
        }

        throw new InvalidOperationException(
            $"No database configured: set {EnvironmentVariable} (and {OwnerEnvironmentVariable}) or ConnectionStrings:Registry (and ConnectionStrings:RegistryOwner), or start the private cluster with `make run`.");
    }
}
