using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Districts;

/// <summary>Which kind of area a candidate boundary is.</summary>
public enum BoundaryKind
{
    /// <summary>An administrative division (its parent: the nearest ancestor with a boundary).</summary>
    District,

    /// <summary>A community grid (its parent: its township where that has a boundary, else the nearest ancestor).</summary>
    Grid,
}

/// <summary>A boundary to be judged before it is written.</summary>
/// <param name="Index">The caller's index (feature position, or 0 for a single form).</param>
/// <param name="Kind">District or grid.</param>
/// <param name="Code">The code the boundary is for (excluded from its own siblings).</param>
/// <param name="Name">Its name, for the messages.</param>
/// <param name="ParentStart">Where the search for the parent starts: a district's parent code, a grid's township code.</param>
/// <param name="Geometry">The boundary, lon/lat in CGCS2000.</param>
public sealed record BoundaryCandidate(int Index, BoundaryKind Kind, string Code, string? Name, string? ParentStart, Geometry Geometry);

/// <summary>Why a boundary was refused.</summary>
/// <param name="Index">The candidate's index.</param>
/// <param name="Rule">invalid, not-polygonal, outside-china, outside-parent, overlap or child-outside.</param>
/// <param name="Message">The reason in words, naming the feature (code and name) and the measure.</param>
public sealed record BoundaryRefusal(int Index, string Rule, string Message);

/// <summary>
/// Judges district and grid boundaries with one implementation (<see cref="BoundaryChecksSql.Check"/>): valid, polygonal,
/// inside China's extent, inside the parent and not overlapping a sibling, each within the tolerances below; a
/// district's existing children (townships, grids) must still fit inside its new boundary. The caller decides what a
/// refusal means (a boundary file is all or nothing; a grid file keeps the good features).
/// </summary>
public sealed class BoundaryChecks(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Tolerated share of a boundary's area outside its parent, and of the smaller area where two siblings overlap: 1 %.
    /// The county boundaries loaded from the open data are coarse (vertices ≈100 m apart), so a township or grid drawn
    /// against a precise map sticks out of them, or into a neighbour, by slivers; a boundary misplaced by as little as
    /// a tenth of its width is refused.
    /// </summary>
    public const double ToleratedShare = 0.01;

    /// <summary>
    /// Farthest tolerated point outside the parent: 250 m, about two vertex steps of the coarse county boundaries plus
    /// their GCJ-02 conversion error (a few metres). It catches a long thin spike that has too little area for the share.
    /// </summary>
    public const double ToleratedMetres = 250;

    /// <summary>Judges every candidate; refusals ordered by index (none when all are acceptable).</summary>
    public async Task<IReadOnlyList<BoundaryRefusal>> CheckAsync(IReadOnlyList<BoundaryCandidate> candidates, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await CheckAsync(connection, null, candidates, ct);
    }

    /// <summary>Judges every candidate on <paramref name="connection"/> (inside the writer's transaction).</summary>
    public static async Task<IReadOnlyList<BoundaryRefusal>> CheckAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<BoundaryCandidate> candidates, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            return [];
        }

        var writer = new WKBWriter();
        await using var command = new NpgsqlCommand(BoundaryChecksSql.Check, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("idx", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = candidates.Select(c => c.Index).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = candidates.Select(c => c.Kind == BoundaryKind.Grid ? "grid" : "district").ToArray() });
        command.Parameters.Add(new NpgsqlParameter("codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = candidates.Select(c => c.Code).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = candidates.Select(c => c.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = candidates.Select(c => c.ParentStart).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("wkb", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = candidates.Select(c => writer.Write(c.Geometry)).ToArray() });
        command.Parameters.AddWithValue("share", ToleratedShare);
        command.Parameters.AddWithValue("metres", ToleratedMetres);

        var byIndex = candidates.ToDictionary(c => c.Index);
        var refusals = new List<BoundaryRefusal>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var index = reader.GetInt32(0);
            var rule = reader.GetString(1);
            using var details = JsonDocument.Parse(reader.GetString(2));
            refusals.Add(new BoundaryRefusal(index, rule, Message(byIndex[index], rule, details.RootElement)));
        }

        return refusals;
    }

    /// <summary>"140881002 城东街道" (code and name) for messages.</summary>
    public static string Label(string code, string? name) => string.IsNullOrWhiteSpace(name) ? code : code + " " + name;

    private static string Message(BoundaryCandidate c, string rule, JsonElement d)
    {
        var label = Label(c.Code, c.Name);
        string Text(string p) => d.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        double Number(string p) => d.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
        var inv = CultureInfo.InvariantCulture;
        return rule switch
        {
            "invalid" => d.TryGetProperty("x", out var x) && x.ValueKind == JsonValueKind.Number
                ? string.Create(inv, $"{label}: the polygon is not valid: {Text("reason")} at {Number("x"):0.######} {Number("y"):0.######}.")
                : $"{label}: the polygon is not valid: {Text("reason")}.",
            "not-polygonal" => $"{label}: a boundary must be a Polygon or MultiPolygon, not {Text("type")}.",
            "outside-china" => string.Create(inv,
                $"{label}: lies outside China's extent ({BoundaryChecksSql.ChinaWest}–{BoundaryChecksSql.ChinaEast}° E, {BoundaryChecksSql.ChinaSouth}–{BoundaryChecksSql.ChinaNorth}° N)."),
            "outside-parent" => string.Create(inv,
                $"{label}: lies outside its parent {Label(Text("code"), Text("name"))}: {Number("outsideM2"):N0} m² ({Number("share"):P1} of its area) outside, up to {Number("maxM"):N0} m away; tolerated: {ToleratedShare:P0} and {ToleratedMetres:N0} m."),
            "overlap" => string.Create(inv,
                $"{label}: overlaps {Label(Text("code"), Text("name"))} by {Number("overlapM2"):N0} m² ({Number("share"):P1} of the smaller); tolerated: {ToleratedShare:P0}."),
            "child-outside" => string.Create(inv,
                $"{label}: {Label(Text("code"), Text("name"))} would lie outside the new boundary: {Number("outsideM2"):N0} m² ({Number("share"):P1} of its area) outside, up to {Number("maxM"):N0} m away; tolerated: {ToleratedShare:P0} and {ToleratedMetres:N0} m."),
            _ => $"{label}: refused ({rule}).",
        };
    }

    /// <summary>
    /// Places the facilities and road segments of <paramref name="counties"/> in their townships again (after township
    /// boundaries changed); returns how many records changed.
    /// </summary>
    public static async Task<long> PlaceInTownshipsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> counties, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(counties);
        if (counties.Count == 0)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand(BoundaryChecksSql.PlaceInTownships, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("counties", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = counties.ToArray() });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
