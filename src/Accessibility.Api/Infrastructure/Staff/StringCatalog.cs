using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Infrastructure.Staff;

/// <summary>
/// The one string catalogue of the registry's pages: <c>wwwroot/strings/*.json</c>, each <c>{ "key": { "zh": "…", "en": "…" } }</c>.
/// The script pages load the same files; the staff workspace reads them here. Chinese is the default, English the
/// alternative.
/// </summary>
/// <remarks>
/// Hand-written rather than .resx: one catalogue must serve both the server-rendered pages and the script pages, and
/// resource files cannot be read by a browser module.
/// </remarks>
public sealed class StringCatalog
{
    /// <summary>The languages of every entry.</summary>
    public static readonly IReadOnlyList<string> Languages = ["zh", "en"];

    private readonly Dictionary<string, Dictionary<string, string>> entries = new(StringComparer.Ordinal);

    /// <summary>Files the catalogue was read from, with the keys each defines (for the catalogue's tests).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> KeysByFile { get; }

    /// <summary>Reads every <c>*.json</c> of <paramref name="folder"/>. A key defined twice, or an entry without both languages, is an error.</summary>
    public StringCatalog(string folder)
    {
        var byFile = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                using var stream = File.OpenRead(file);
                var parsed = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(stream)
                    ?? throw new InvalidDataException(file + " is not a string catalogue.");
                foreach (var (key, texts) in parsed)
                {
                    foreach (var language in Languages)
                    {
                        if (!texts.TryGetValue(language, out var text) || string.IsNullOrWhiteSpace(text))
                        {
                            throw new InvalidDataException($"{Path.GetFileName(file)}: '{key}' has no '{language}' text.");
                        }
                    }

                    if (!entries.TryAdd(key, texts))
                    {
                        throw new InvalidDataException($"{Path.GetFileName(file)}: '{key}' is defined in another file too.");
                    }
                }

                byFile[Path.GetFileName(file)] = [.. parsed.Keys];
            }
        }

        KeysByFile = byFile;
    }

    /// <summary>The language of <paramref name="culture"/> the catalogue has: English for any English culture, else Chinese.</summary>
    public static string LanguageOf(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return culture.TwoLetterISOLanguageName == "en" ? "en" : "zh";
    }

    /// <summary>Whether <paramref name="key"/> is in the catalogue.</summary>
    public bool Contains(string key) => entries.ContainsKey(key);

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/>, or null when the key is unknown.</summary>
    public string? Find(string key, string language) =>
        entries.TryGetValue(key, out var texts) && texts.TryGetValue(language, out var text) ? text : null;

    /// <summary>Every key.</summary>
    public IEnumerable<string> Keys => entries.Keys;
}

/// <summary>
/// <see cref="IStringLocalizer"/> over the <see cref="StringCatalog"/> in the request's UI culture: pages write <c>@T["key"]</c>
/// and <c>@T["key", arg0, …]</c> (composite format). An unknown key shows as itself, and the catalogue's tests fail.
/// </summary>
public sealed class CatalogStringLocalizer(StringCatalog catalog) : IStringLocalizer
{
    /// <inheritdoc />
    public LocalizedString this[string name]
    {
        get
        {
            var text = catalog.Find(name, StringCatalog.LanguageOf(CultureInfo.CurrentUICulture));
            return new LocalizedString(name, text ?? name, resourceNotFound: text is null);
        }
    }

    /// <inheritdoc />
    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var found = this[name];
            return new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, found.Value, arguments), found.ResourceNotFound);
        }
    }

    /// <inheritdoc />
    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => catalog.Keys.Select(k => this[k]);
}
