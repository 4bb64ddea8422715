using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Imports;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Grids;

/// <summary>Which feature property holds what.</summary>
/// <param name="CodeProperty">The grid code (12 digits, or the last 3 with a township); absent: the next free code.</param>
/// <param name="NameProperty">The grid's name (required).</param>
/// <param name="TownshipProperty">The township's 9-digit code; absent: taken from a 12-digit code.</param>
/// <param name="PatrolIntervalProperty">Days between patrols; absent: 30.</param>
public sealed record GridImportMapping(string CodeProperty = "code", string NameProperty = "name", string TownshipProperty = "township", string PatrolIntervalProperty = "patrolIntervalDays");

/// <summary>A feature not taken, and why.</summary>
/// <param name="Index">Zero-based position in the file.</param>
/// <param name="Code">Its code where it has one.</param>
/// <param name="Name">Its name where it has one.</param>
/// <param name="Reasons">Why, each naming the rule and the measure.</param>
public sealed record GridImportRefusal(int Index, string? Code, string? Name, IReadOnlyList<string> Reasons);

/// <summary>What a grid file did.</summary>
/// <param name="Accepted">Codes written (drawn anew, or replaced where the code existed).</param>
/// <param name="Refused">Features refused, with their reasons.</param>
/// <param name="MovedRecords">Facilities and road segments whose grid changed.</param>
public sealed record GridImportResult(IReadOnlyList<string> Accepted, IReadOnlyList<GridImportRefusal> Refused, long MovedRecords);

/// <summary>
/// Imports grids from a GeoJSON FeatureCollection or a zipped Shapefile, read by the import readers
/// (<see cref="ImportReaders"/>). Each feature is judged by <see cref="BoundaryChecks"/> together with the others of
/// the file; the acceptable ones are written (a grid whose code exists is replaced) and the others listed with their
/// reasons: a good grid is never lost for a bad neighbour in the same file.
/// </summary>
public sealed class GridImporter(RegistryDbContext db, AuditLog audit, GridEditor editor)
{
    private sealed record Candidate(int Index, string? Code, string Name, string Township, int Interval, MultiPolygon Boundary);

    /// <summary>Reads and imports a file; <see cref="InvalidDataException"/> when the file itself cannot be read.</summary>
    public async Task<GridImportResult> ImportAsync(HttpContext http, byte[] data, GridImportMapping mapping, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(mapping);
        var rows = new List<SourceRow>();
        if (ImportReaders.LooksLikeJson(data))
        {
            ImportReaders.ReadGeoJson(data, rows.Add);
        }
        else if (data.Length > 4 && data[0] == (byte)'P' && data[1] == (byte)'K')
        {
            ImportReaders.ReadShapefileZip(data, rows.Add);
        }
        else
        {
            throw new InvalidDataException("Expected a GeoJSON FeatureCollection or a zipped Shapefile.");
        }

        if (rows.Count == 0)
        {
            throw new InvalidDataException("The file has no features.");
        }

        var refused = new Dictionary<int, (string? Code, string? Name, List<string> Reasons)>();
        void Refuse(int index, string? code, string? name, string reason)
        {
            if (!refused.TryGetValue(index, out var entry))
            {
                refused[index] = entry = (code, name, []);
            }

            entry.Reasons.Add(reason);
        }

        // Read each feature and check its fields.
        var candidates = new List<Candidate>();
        foreach (var row in rows)
        {
            var index = row.Row - 1;
            var name = Text(row, mapping.NameProperty);
            var code = Text(row, mapping.CodeProperty);
            var township = Text(row, mapping.TownshipProperty);
            if (township is null && code is { Length: 12 })
            {
                township = code[..9];
            }

            var fields = new FieldErrors();
            var checkedName = GridEditor.CheckName(name, fields, mapping.NameProperty);
            if (township is not { Length: 9 } || !township.All(char.IsAsciiDigit))
            {
                fields.Add(mapping.TownshipProperty, $"'{township}' is not a 9-digit township code (property '{mapping.TownshipProperty}', or a 12-digit '{mapping.CodeProperty}').");
            }
            else if (code is not null)
            {
                code = code.Length == 3 ? township + code : code;
                if (code.Length != 12 || !code.All(char.IsAsciiDigit) || !code.StartsWith(township, StringComparison.Ordinal) || code.EndsWith("000", StringComparison.Ordinal))
                {
                    fields.Add(mapping.CodeProperty, $"'{code}' is not a 12-digit grid code of township {township}.");
                }
            }

            int? interval = null;
            if (Text(row, mapping.PatrolIntervalProperty) is { } days)
            {
                interval = int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : 0;
            }

            var checkedInterval = GridEditor.CheckInterval(interval, fields, mapping.PatrolIntervalProperty);
            JsonElement? geometry = row.Geometry is null ? null : JsonSerializer.Deserialize<JsonElement>(row.Geometry.ToJsonString());
            var boundary = GridEditor.ReadGeometry(geometry, null, required: true, fields);
            if (!fields.IsEmpty)
            {
                foreach (var (field, messages) in fields.ToDictionary())
                {
                    foreach (var m in messages)
                    {
                        Refuse(index, code, name, $"{field}: {m}");
                    }
                }

                continue;
            }

            candidates.Add(new Candidate(index, code, checkedName!, township!, checkedInterval, boundary!));
        }

        foreach (var duplicate in candidates.Where(c => c.Code is not null).GroupBy(c => c.Code).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)))
        {
            Refuse(duplicate.Index, duplicate.Code, duplicate.Name, $"Grid {duplicate.Code} appears earlier in the file.");
        }

        candidates.RemoveAll(c => refused.ContainsKey(c.Index));
        var accepted = new List<string>();
        long moved = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (connection, tx) = editor.Connection(transaction);
        var counties = new SortedSet<string>(StringComparer.Ordinal);
        var townships = new Dictionary<string, (string Name, string County)?>(StringComparer.Ordinal);
        foreach (var c in candidates.ToList())
        {
            if (!townships.TryGetValue(c.Township, out var place))
            {
                townships[c.Township] = place = await GridSql.TownshipAsync(connection, tx, c.Township, ct);
            }

            if (place is null)
            {
                Refuse(c.Index, c.Code, c.Name, $"No township has the code {c.Township}.");
            }
            else if (!await http.MayAsync(Operations.Create, RegistryResource.In(ResourceKinds.Grid, c.Township)))
            {
                Refuse(c.Index, c.Code, c.Name, $"Township {c.Township} is outside your districts.");
            }
            else
            {
                counties.Add(place.Value.County);
            }
        }

        candidates.RemoveAll(c => refused.ContainsKey(c.Index));
        foreach (var county in counties)
        {
            await GridSql.LockCountyAsync(connection, tx, county, ct);
        }

        // Codes for features without one: the township's next free codes, in file order.
        var coded = new List<Candidate>();
        var taken = candidates.Where(c => c.Code is not null).Select(c => c.Code!).ToList();
        foreach (var c in candidates)
        {
            var code = c.Code ?? await GridSql.NextCodeAsync(connection, tx, c.Township, taken, ct);
            if (code is null)
            {
                Refuse(c.Index, null, c.Name, $"Township {c.Township} has 999 grids already.");
                continue;
            }

            taken.Add(code);
            coded.Add(c with { Code = code });
        }

        foreach (var r in await BoundaryChecks.CheckAsync(connection, tx,
                     coded.Select(c => new BoundaryCandidate(c.Index, BoundaryKind.Grid, c.Code!, c.Name, c.Township, c.Boundary)).ToList(), ct))
        {
            var c = coded.Single(x => x.Index == r.Index);
            Refuse(c.Index, c.Code, c.Name, r.Message);
        }

        foreach (var c in coded.Where(c => !refused.ContainsKey(c.Index)))
        {
            var before = await GridSql.LockAsync(connection, tx, c.Code!, ct);
            if (before is null)
            {
                await GridSql.InsertAsync(connection, tx, c.Code!, c.Name, c.Interval, c.Boundary, "import", ct);
            }
            else
            {
                await GridSql.UpdateAsync(connection, tx, c.Code!, c.Name, c.Interval, c.Boundary, "import", ct);
            }

            var after = await GridSql.LockAsync(connection, tx, c.Code!, ct);
            audit.Record(http, before is null ? "import" : "import-replace", GridEditor.AuditEntityType, c.Code!,
                before is null ? null : GridEditor.Summary(before, null), GridEditor.Summary(after!, null));
            accepted.Add(c.Code!);
        }

        if (accepted.Count > 0)
        {
            foreach (var county in counties)
            {
                moved += await GridSql.PlaceInGridsAsync(connection, tx, county, ct);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        return new GridImportResult(accepted,
            refused.OrderBy(r => r.Key).Select(r => new GridImportRefusal(r.Key, r.Value.Code, r.Value.Name, r.Value.Reasons)).ToList(), moved);
    }

    private static string? Text(SourceRow row, string property)
    {
        if (!row.Values.TryGetValue(property, out var node) || node is null)
        {
            return null;
        }

        var text = node is JsonValue value && value.TryGetValue<string>(out var s) ? s : node.ToJsonString();
        text = text.Trim();
        return text.Length == 0 ? null : text;
    }
}
