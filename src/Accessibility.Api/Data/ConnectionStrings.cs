namespace Accessibility.Api.Data;

/// <summary>Where the database connection string comes from.</summary>
public static class ConnectionStrings
{
    /// <summary>Environment variable that points everything at an existing PostGIS.</summary>
    public const string EnvironmentVariable = "ACCESSIBILITY_DB";

    /// <summary>
    /// <c>ConnectionStrings:Registry</c> (which ACCESSIBILITY_DB sets), then the private cluster's file
    /// written by <c>scripts/pg.sh</c> (so a plain <c>dotnet run</c> finds the cluster <c>make run</c> started).
    /// </summary>
    public static string Resolve(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetConnectionString("Registry");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "var", "pg", "connection-string");
            if (File.Exists(file))
            {
                return File.ReadAllText(file).Trim();
            }
        }

        throw new InvalidOperationException(
            $"No database configured: set {EnvironmentVariable} or ConnectionStrings:Registry, or start the private cluster with `make run`.");
    }
}
