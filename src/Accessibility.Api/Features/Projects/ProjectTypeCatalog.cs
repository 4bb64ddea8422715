using System.Text.Json;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Projects;

/// <summary>A facility kind that applies to a project type, with the clause that makes it apply (null where standards.md gives none).</summary>
/// <param name="Kind">Facility kind code of <c>data/facility-kinds.json</c>.</param>
/// <param name="Clause">Clause of GB 55019 / GB 50763.</param>
public sealed record ApplicableKind(string Kind, string? Clause);

/// <summary>A construction project type (building, road, park, transport, other) and the facility kinds that apply to it.</summary>
/// <param name="Code">Stable code stored in <c>construction_projects.project_type</c>.</param>
/// <param name="Names">Labels.</param>
/// <param name="Kinds">Kinds a planned facility of such a project may be.</param>
public sealed record ProjectType(string Code, LocalizedText Names, IReadOnlyList<ApplicableKind> Kinds)
{
    /// <summary>Whether <paramref name="kind"/> applies to this type.</summary>
    public bool Applies(string kind) => Kinds.Any(k => string.Equals(k.Kind, kind, StringComparison.Ordinal));
}

/// <summary>
/// The project-type catalogue, <c>data/project-types.json</c>: which barrier-free facility kinds apply to a building,
/// a road, a park, a transport facility. Checked against the facility kinds when loaded.
/// </summary>
public sealed class ProjectTypeCatalog
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly Dictionary<string, ProjectType> byCode;

    private ProjectTypeCatalog(IReadOnlyList<ProjectType> types)
    {
        Types = types;
        byCode = types.ToDictionary(t => t.Code, StringComparer.Ordinal);
    }

    /// <summary>The types in display order.</summary>
    public IReadOnlyList<ProjectType> Types { get; }

    /// <summary>The type with <paramref name="code"/>.</summary>
    public bool TryGet(string code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ProjectType? type) => byCode.TryGetValue(code, out type);

    /// <summary>Loads <paramref name="path"/>; every kind named must be a kind of <paramref name="kinds"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a consistent catalogue.</exception>
    public static ProjectTypeCatalog Load(string path, FacilityKindCatalog kinds) => Parse(File.ReadAllText(path), kinds, path);

    /// <summary>Parses a catalogue from JSON text.</summary>
    /// <exception cref="InvalidDataException">The text is not a consistent catalogue.</exception>
    public static ProjectTypeCatalog Parse(string json, FacilityKindCatalog kinds, string source = "project types")
    {
        ArgumentNullException.ThrowIfNull(kinds);
        Dto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<Dto>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(source + ": not valid JSON: " + ex.Message, ex);
        }

        if (dto?.Types is not { Count: > 0 } types)
        {
            throw new InvalidDataException(source + ": no types.");
        }

        var result = new List<ProjectType>();
        foreach (var t in types)
        {
            if (string.IsNullOrWhiteSpace(t.Code) || t.Names is null || t.Kinds is not { Count: > 0 })
            {
                throw new InvalidDataException(source + ": every type needs a code, names and kinds.");
            }

            foreach (var k in t.Kinds)
            {
                if (k.Kind is null || !kinds.TryGetPlannable(k.Kind, out _))
                {
                    throw new InvalidDataException(source + ": type " + t.Code + " names unknown facility kind '" + k.Kind + "'.");
                }
            }

            result.Add(new ProjectType(t.Code, t.Names, [.. t.Kinds.Select(k => new ApplicableKind(k.Kind!, k.Clause))]));
        }

        if (result.Select(t => t.Code).Distinct(StringComparer.Ordinal).Count() != result.Count)
        {
            throw new InvalidDataException(source + ": type codes must be unique.");
        }

        return new ProjectTypeCatalog(result);
    }

    private sealed record Dto(List<TypeDto>? Types);

    private sealed record TypeDto(string? Code, LocalizedText? Names, List<KindDto>? Kinds);

    private sealed record KindDto(string? Kind, string? Clause);
}
