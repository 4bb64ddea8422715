using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.AnnualReports;

/// <summary>
/// The figures of a district's annual report of an ended year, as the registry held them at the end of 31 December
/// (China Standard Time) as known at a given instant: the district's indicators and its children's, its plan targets
/// and the year's monthly trends — the whole public payload the report page renders. Always the public view
/// (<see cref="HouseholdView.Public"/>): a published report is public, so it never holds staff household figures.
/// </summary>
public static class AnnualReportFigures
{
    /// <summary>The toilet reach radius of the report, metres (the indicators' default).</summary>
    public const int Metres = CoverageEndpoints.DefaultMetres;

    /// <summary>31 December of <paramref name="year"/>, known at <paramref name="knownAt"/>.</summary>
    public static AsOf EndOf(int year, DateTimeOffset knownAt) => new(new DateOnly(year, 12, 31), knownAt);

    /// <summary>
    /// The figures of district <paramref name="code"/> for <paramref name="year"/> as of <paramref name="asOf"/>, or null
    /// when there is no such district. Children are computed up to <see cref="CoverageEndpoints.Concurrency"/> at a time,
    /// each on its own connection.
    /// </summary>
    public static async Task<JsonObject?> ComputeAsync(
        RegistryDbContext db, IServiceScopeFactory scopes, string code, int year, AsOf asOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(asOf);
        var day = asOf.Date;
        if (await CoverageEndpoints.IndicatorsAsync(db, code, Metres, HouseholdView.Public, day, ct, asOf) is not { } parent)
        {
            return null;
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        var childCodes = await CoverageSql.ChildrenAsync(connection, code, ct);
        var children = new JsonObject?[childCodes.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, childCodes.Count),
            new ParallelOptions { MaxDegreeOfParallelism = CoverageEndpoints.Concurrency, CancellationToken = ct }, async (i, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var context = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                children[i] = await CoverageEndpoints.IndicatorsAsync(context, childCodes[i], Metres, HouseholdView.Public, day, token, asOf);
            });

        var targets = JsonNode.Parse(await AnnualReportSql.TargetsAsync(connection, code, asOf, ct))!.AsArray();
        var trends = await TrendsAsync(connection, code, parent["name"]?.GetValue<string>(), year, ct);
        return new JsonObject
        {
            ["district"] = code,
            ["year"] = year,
            ["asOf"] = asOf.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["knownAt"] = asOf.KnownAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["coverage"] = new JsonObject { ["parent"] = parent, ["children"] = new JsonArray([.. children.OfType<JsonObject>()]) },
            ["targets"] = new JsonObject { ["items"] = targets },
            ["trends"] = trends,
        };
    }

    /// <summary>
    /// The twelve months of <paramref name="year"/> in the trends' shape, with renovations accepted withheld as for the
    /// public (<c>GET /api/v1/coverage/{district}/trends</c>).
    /// </summary>
    private static async Task<JsonObject> TrendsAsync(Npgsql.NpgsqlConnection connection, string code, string? name, int year, CancellationToken ct)
    {
        var series = JsonNode.Parse(await CoverageSql.TrendsAsync(
            connection, DistrictScope.Prefix(code), new DateOnly(year, 1, 1), new DateOnly(year, 12, 1), ct))!.AsObject();
        var months = series["months"]!.DeepClone();
        series.Remove("months");
        var accepted = series["renovationsAccepted"]!.AsArray();
        for (var i = 0; i < accepted.Count; i++)
        {
            accepted[i] = null;
        }

        var definitions = new JsonObject();
        foreach (var (key, _) in series)
        {
            definitions[key] = CoverageDefinitions.Trend(key);
        }

        return new JsonObject
        {
            ["district"] = code,
            ["districtName"] = name,
            ["months"] = months,
            ["series"] = series,
            ["renovationsSuppressedBelow"] = SuppressedTable.Threshold,
            ["definitions"] = definitions,
        };
    }
}
