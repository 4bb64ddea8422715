using System.Globalization;
using System.Security.Claims;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Geo;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Districts;

/// <summary>
/// Sets district boundaries from a GeoJSON FeatureCollection (a county adding its townships, say).
/// All or nothing: one bad feature rejects the file, so a half-imported layer never reaches the map. Every boundary is
/// judged by <see cref="BoundaryChecks"/> (valid, inside China and its parent, no overlap with its siblings, its grids
/// and townships still inside it); after townships change, their county's facilities and road segments are placed in
/// their townships again in the same transaction.
/// </summary>
public sealed class BoundaryImporter(RegistryDbContext db, AuditLog audit, BoundaryChecks checks)
{
    /// <summary>Who is importing.</summary>
    /// <param name="UserId">Account id, if any.</param>
    /// <param name="Name">User name or "cli".</param>
    /// <param name="RemoteAddress">Where from.</param>
    public sealed record Actor(long? UserId, string Name, string? RemoteAddress)
    {
        /// <summary>The signed-in user of a request.</summary>
        public static Actor From(HttpContext http) =>
            new(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "anonymous", http.Connection.RemoteIpAddress?.ToString());

        /// <summary>A user of the command line.</summary>
        public static Actor CommandLine => new(null, "cli:" + Environment.UserName, null);
    }

    /// <summary>Result: updated codes, or errors keyed by feature.</summary>
    /// <param name="Updated">Codes whose boundary was set.</param>
    /// <param name="Errors">Errors keyed <c>features[i]</c> (or <c>body</c>).</param>
    public sealed record Outcome(IReadOnlyList<string> Updated, Dictionary<string, string[]> Errors);

    /// <summary>Validates every feature, then writes all boundaries and their audit entries in one transaction.</summary>
    public async Task<Outcome> ImportAsync(
        Stream geoJson, string codeProperty, string nameProperty, InputCrs crs, Func<string, bool> mayWrite, Actor actor, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        BoundaryParseResult parsed;
        try
        {
            // Read fully first: the parser is synchronous and Kestrel forbids synchronous reads.
            using var buffer = new MemoryStream();
            await geoJson.CopyToAsync(buffer, ct);
            buffer.Position = 0;
            parsed = BoundaryGeoJson.Parse(buffer, codeProperty, nameProperty, Transform(crs));
        }
        catch (InvalidDataException ex)
        {
            errors["body"] = [ex.Message];
            return new Outcome([], errors);
        }

        foreach (var error in parsed.Errors)
        {
            Add(errors, error.FeatureIndex, error.Message);
        }

        var byCode = new Dictionary<string, BoundaryFeature>(StringComparer.Ordinal);
        foreach (var feature in parsed.Features)
        {
            if (!DistrictCodes.TryNormalize(feature.Code, out var code))
            {
                Add(errors, feature.FeatureIndex, $"'{feature.Code}' in property '{codeProperty}' is not a GB/T 2260 code.");
            }
            else if (!byCode.TryAdd(code, feature))
            {
                Add(errors, feature.FeatureIndex, $"District {code} appears twice in the file.");
            }
        }

        var codes = byCode.Keys.ToList();
        var districts = await db.Districts.Where(d => codes.Contains(d.Code)).ToDictionaryAsync(d => d.Code, StringComparer.Ordinal, ct);
        foreach (var (code, feature) in byCode)
        {
            if (!districts.ContainsKey(code))
            {
                Add(errors, feature.FeatureIndex, $"No district has the code {code}.");
            }
            else if (!mayWrite(code))
            {
                Add(errors, feature.FeatureIndex, $"District {code} is outside your districts.");
            }
        }

        if (parsed.Features.Count == 0 && errors.Count == 0)
        {
            errors["body"] = ["The FeatureCollection has no features."];
        }

        // The geometry of every feature that names a district the caller may write is judged, so that one answer lists
        // every fault of the file.
        var candidates = byCode.Where(p => districts.ContainsKey(p.Key) && mayWrite(p.Key)).Select(p => new BoundaryCandidate(
            p.Value.FeatureIndex, BoundaryKind.District, p.Key, p.Value.Name ?? districts[p.Key].Name, districts[p.Key].ParentCode, p.Value.Boundary)).ToList();
        foreach (var refusal in await checks.CheckAsync(candidates, ct))
        {
            Add(errors, refusal.Index, refusal.Message);
        }

        if (errors.Count > 0)
        {
            return new Outcome([], errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var (code, feature) in byCode)
        {
            var district = districts[code];
            var before = Summary(district);
            district.Boundary = feature.Boundary;
            district.BoundaryApproximate = false;
            district.BoundarySource = "import";
            audit.Record(actor.UserId, actor.Name, actor.RemoteAddress, "import-boundary", "district", code, before, Summary(district));
        }

        await db.SaveChangesAsync(ct);
        var counties = byCode.Keys.Where(c => districts[c].Level == DistrictLevel.Township && districts[c].ParentCode is not null)
            .Select(c => districts[c].ParentCode!).Distinct(StringComparer.Ordinal).ToList();
        await BoundaryChecks.PlaceInTownshipsAsync(
            (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), counties, ct);
        await transaction.CommitAsync(ct);
        return new Outcome(codes.Order(StringComparer.Ordinal).ToList(), errors);
    }

    private static object Summary(District d) => new
    {
        d.Code,
        HasBoundary = d.Boundary is not null,
        Area = d.Boundary?.Area,
        d.BoundarySource,
        d.BoundaryApproximate,
    };

    private static Func<double, double, (double Lon, double Lat)>? Transform(InputCrs crs) => crs switch
    {
        InputCrs.GCJ02 => ChinaCoordinates.Gcj02ToWgs84,
        InputCrs.BD09 => ChinaCoordinates.Bd09ToWgs84,
        _ => null,
    };

    private static void Add(Dictionary<string, string[]> errors, int index, string message)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"features[{index}]");
        errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }
}
