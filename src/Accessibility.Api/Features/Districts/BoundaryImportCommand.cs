using Accessibility.Api.Geo;

namespace Accessibility.Api.Features.Districts;

/// <summary>
/// <c>import-boundaries --file F [--code-property code] [--name-property name] [--crs WGS84]</c>:
/// the command-line form of <c>POST /api/v1/districts/boundaries</c>, for files a county keeps locally.
/// </summary>
public static class BoundaryImportCommand
{
    /// <summary>Runs the import against the configured database (tests pass <paramref name="configure"/>); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Action<WebApplicationBuilder>? configure = null)
    {
        string? file = null, codeProperty = "code", nameProperty = "name", crs = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--file": file = value; i++; break;
                case "--code-property": codeProperty = value; i++; break;
                case "--name-property": nameProperty = value; i++; break;
                case "--crs": crs = value; i++; break;
                default:
                    await error.WriteLineAsync($"Unknown argument '{args[i]}'. Usage: import-boundaries --file F [--code-property code] [--name-property name] [--crs WGS84|CGCS2000|GCJ02|BD09]");
                    return 2;
            }
        }

        if (file is null || codeProperty is null || nameProperty is null || !File.Exists(file))
        {
            await error.WriteLineAsync(file is null ? "--file is required." : $"No such file: {file}");
            return 2;
        }

        if (!InputCrsParser.TryParse(crs, out var inputCrs))
        {
            await error.WriteLineAsync($"Unknown --crs '{crs}'; expected WGS84, CGCS2000, GCJ02 or BD09.");
            return 2;
        }

        await using var app = RegistryApp.Build([], configure);
        await app.PrepareDatabaseAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<BoundaryImporter>();
        await using var stream = File.OpenRead(file);
        // The command line runs with the database owner's rights: every district may be written.
        var outcome = await importer.ImportAsync(stream, codeProperty, nameProperty, inputCrs, _ => true, BoundaryImporter.Actor.CommandLine, CancellationToken.None);
        if (outcome.Errors.Count > 0)
        {
            await error.WriteLineAsync("Nothing was imported:");
            foreach (var (field, messages) in outcome.Errors)
            {
                foreach (var message in messages)
                {
                    await error.WriteLineAsync($"  {field}: {message}");
                }
            }

            return 1;
        }

        await output.WriteLineAsync($"Imported {outcome.Updated.Count} boundaries: {string.Join(", ", outcome.Updated)}");
        return 0;
    }
}
