using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Imports;

/// <summary>
/// A file, what it was recognised as and the mapping that reads it: what the upload endpoint, the import jobs
/// and the <c>import-facilities</c> command share. The format is the explicit one when given, else recognised
/// from the content (PBF's OSMHeader block, an XML document whose root is &lt;osm&gt;), else from the file's
/// extension (<c>.osm.pbf</c>, <c>.pbf</c>, <c>.osm</c>), else the mapping's, else JSON or CSV by the first character.
/// An OSM file without a mapping uses <c>data/import-mappings/osm.json</c>.
/// </summary>
public sealed class ImportRequest
{
    /// <summary>Formats the <c>format</c> parameter accepts.</summary>
    public static readonly IReadOnlyList<string> Formats = ["geojson", "csv", "osm", "osm-xml", "osm-pbf"];

    private ImportRequest(byte[] data, string fileName, string format, ImportMapping? mapping, OsmMapping? osmMapping, string? source)
    {
        Data = data;
        FileName = fileName;
        Format = format;
        Mapping = mapping;
        OsmMapping = osmMapping;
        Source = source;
    }

    /// <summary>The file.</summary>
    public byte[] Data { get; }

    /// <summary>Its name.</summary>
    public string FileName { get; }

    /// <summary>geojson, csv, osm-xml or osm-pbf; auto for GeoJSON or CSV by the mapping or the content.</summary>
    public string Format { get; }

    /// <summary>The mapping of a GeoJSON or CSV file.</summary>
    public ImportMapping? Mapping { get; }

    /// <summary>The tag mapping of an OSM file.</summary>
    public OsmMapping? OsmMapping { get; }

    /// <summary>Source name given with the request, or null.</summary>
    public string? Source { get; }

    /// <summary>Whether the file is OpenStreetMap data.</summary>
    public bool IsOsm => OsmMapping is not null;

    /// <summary>Checks the parts of an import; null and field errors (file, mapping, format) when they do not fit.</summary>
    /// <param name="data">The file.</param>
    /// <param name="fileName">Its name.</param>
    /// <param name="mappingText">The mapping file's text, or null (allowed for OSM files).</param>
    /// <param name="format">Explicit format, or null to recognise it.</param>
    /// <param name="source">Source name, or null.</param>
    /// <param name="catalog">The kind catalog (OSM mappings are checked against it).</param>
    /// <param name="dataDir">The data folder (for the default OSM mapping).</param>
    public static (ImportRequest? Request, FieldErrors Errors) Prepare(
        byte[] data, string fileName, string? mappingText, string? format, string? source, FacilityKindCatalog catalog, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new FieldErrors();
        format = string.IsNullOrWhiteSpace(format) ? null : format.Trim().ToLowerInvariant();
        if (format is not null && !Formats.Contains(format))
        {
            errors.Add("format", $"Unknown format '{format}'. Expected one of: {string.Join(", ", Formats)}.");
            return (null, errors);
        }

        var osmMappingText = mappingText is not null && OsmMapping.IsOsmMapping(mappingText);
        var detected = Detect(data, fileName, format, osmMappingText);
        if (detected is "osm-xml" or "osm-pbf")
        {
            if (mappingText is not null && !osmMappingText)
            {
                errors.Add("mapping", "The file is OpenStreetMap data: the mapping must have \"format\": \"osm\" (see data/import-mappings/osm.json), or leave it out to use that one.");
                return (null, errors);
            }

            var text = mappingText ?? File.ReadAllText(Path.Combine(dataDir, OsmMapping.DefaultFile));
            var (osm, osmErrors) = OsmMapping.Parse(text, catalog);
            foreach (var message in osmErrors)
            {
                errors.Add("mapping", message);
            }

            return osm is null ? (null, errors) : (new ImportRequest(data, fileName, detected, null, osm, source), errors);
        }

        if (mappingText is null)
        {
            errors.Add("mapping", "Send the mapping (JSON, see docs/import.md) in the field 'mapping'.");
            return (null, errors);
        }

        if (osmMappingText)
        {
            errors.Add("mapping", $"The mapping is for OpenStreetMap data, but the file was read as {detected}.");
            return (null, errors);
        }

        var (mapping, mappingErrors) = ImportMapping.Parse(mappingText);
        foreach (var message in mappingErrors)
        {
            errors.Add("mapping", message);
        }

        return mapping is null ? (null, errors) : (new ImportRequest(data, fileName, detected, mapping, null, source), errors);
    }

    private static string Detect(byte[] data, string fileName, string? format, bool osmMapping)
    {
        var name = fileName.ToLowerInvariant();
        switch (format)
        {
            case "osm-xml" or "osm-pbf" or "geojson" or "csv":
                return format;
            case "osm":
                return OsmReader.LooksLikePbf(data) || name.EndsWith(".pbf", StringComparison.Ordinal) ? "osm-pbf" : "osm-xml";
        }

        if (OsmReader.LooksLikePbf(data) || name.EndsWith(".pbf", StringComparison.Ordinal))
        {
            return "osm-pbf";
        }

        if (OsmReader.LooksLikeOsmXml(data) || name.EndsWith(".osm", StringComparison.Ordinal) || name.EndsWith(".osm.xml", StringComparison.Ordinal))
        {
            return "osm-xml";
        }

        if (osmMapping)
        {
            // An OSM mapping with a file neither recognised nor named: XML when it starts like text markup.
            return ImportReaders.LooksLikeJson(data) ? "geojson" : data.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("<"u8) ? "osm-xml" : "osm-pbf";
        }

        // GeoJSON or CSV: the mapping's format, else the first character (FacilityImporter.ImportAsync).
        return "auto";
    }

    /// <summary>Runs the import with <paramref name="importer"/>.</summary>
    public Task<ImportOutcome> RunAsync(
        FacilityImporter importer, Func<string, bool> mayWrite, BoundaryImporter.Actor actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(importer);
        return OsmMapping is not null
            ? importer.ImportOsmAsync(Data, FileName, Format == "osm-pbf" ? OsmFileFormat.Pbf : OsmFileFormat.Xml, OsmMapping, Source, mayWrite, actor, progress, ct)
            : importer.ImportAsync(Data, FileName, Mapping!, Format is "geojson" or "csv" ? Format : null, Source, mayWrite, actor, progress, ct);
    }
}
