namespace Accessibility.Api.Features.Cli;

/// <summary>
/// Options of one command: <c>--name value</c> (or <c>--name=value</c>) and <c>--flag</c>. Unknown options,
/// missing values, stray words and options given twice (unless repeatable) are errors.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> flags = new(StringComparer.Ordinal);

    private CliArguments()
    {
    }

    /// <summary>Parses <paramref name="args"/>; returns null and a message when they do not fit.</summary>
    /// <param name="args">The arguments after the verb.</param>
    /// <param name="single">Options that take one value.</param>
    /// <param name="repeatable">Options that take a value and may be given several times.</param>
    /// <param name="switches">Options without a value.</param>
    public static (CliArguments? Arguments, string? Error) Parse(
        IReadOnlyList<string> args, IReadOnlyCollection<string> single, IReadOnlyCollection<string>? repeatable = null,
        IReadOnlyCollection<string>? switches = null)
    {
        repeatable ??= [];
        switches ??= [];
        var parsed = new CliArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return (null, $"Unexpected argument '{arg}'.");
            }

            var name = arg[2..];
            string? inline = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }

            if (switches.Contains(name) && inline is null)
            {
                parsed.flags.Add(name);
                continue;
            }

            if (!single.Contains(name) && !repeatable.Contains(name))
            {
                return (null, $"Unknown option '--{name}'.");
            }

            var value = inline;
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return (null, $"Option '--{name}' needs a value.");
                }

                value = args[++i];
            }

            if (!parsed.values.TryGetValue(name, out var list))
            {
                parsed.values[name] = list = [];
            }
            else if (!repeatable.Contains(name))
            {
                return (null, $"Option '--{name}' is given more than once.");
            }

            list.Add(value);
        }

        return (parsed, null);
    }

    /// <summary>The value of a single option, or null.</summary>
    public string? Value(string name) => values.TryGetValue(name, out var list) ? list[0] : null;

    /// <summary>Every value of a repeatable option.</summary>
    public IReadOnlyList<string> Values(string name) => values.TryGetValue(name, out var list) ? list : [];

    /// <summary>Whether a switch is present.</summary>
    public bool Has(string name) => flags.Contains(name);
}
