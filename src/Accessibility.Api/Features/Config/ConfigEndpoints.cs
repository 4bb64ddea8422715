using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Config;

/// <summary>What the map page needs to know before it draws anything.</summary>
public static class ConfigEndpoints
{
    /// <summary>Maps <c>GET /api/v1/config</c>.</summary>
    public static IEndpointRouteBuilder MapConfigEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/config", GetConfig)
            .WithName("GetConfig").AllowAnonymous()
            .WithSummary("Basemap, default district and whether demo data are loaded.")
            .WithTags("Config");
        return app;
    }

    private static async Task<MapConfig> GetConfig(IOptions<RegistryOptions> options, RegistryDbContext db, CancellationToken ct)
    {
        var o = options.Value;
        var demo = await db.Facilities.AnyAsync(f => f.Source == "demo" && f.DeletedAt == null, ct);
        return new MapConfig(
            string.IsNullOrWhiteSpace(o.TileUrl) ? null : o.TileUrl,
            string.IsNullOrWhiteSpace(o.TileAttribution) ? null : o.TileAttribution,
            string.IsNullOrWhiteSpace(o.TileSubdomains) ? null : o.TileSubdomains,
            demo,
            o.DefaultDistrict,
            // No fixed view: the page fits the default district's boundary.
            null,
            null);
    }
}

/// <summary>Map page configuration.</summary>
/// <param name="TileUrl">Basemap URL template, or null for no basemap.</param>
/// <param name="TileAttribution">Attribution required by the tile provider.</param>
/// <param name="TileSubdomains">Values of <c>{s}</c> in the tile URL.</param>
/// <param name="DemoData">True while generated demo facilities are loaded.</param>
/// <param name="DefaultDistrict">District code the map opens on.</param>
/// <param name="Center">Latitude and longitude the map opens at; null to fit the default district.</param>
/// <param name="Zoom">Zoom level the map opens at; null to fit the default district.</param>
public sealed record MapConfig(string? TileUrl, string? TileAttribution, string? TileSubdomains, bool DemoData, string DefaultDistrict, double[]? Center, int? Zoom);
