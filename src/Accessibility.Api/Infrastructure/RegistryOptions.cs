namespace Accessibility.Api.Infrastructure;

/// <summary>Settings of the registry, section <c>Registry</c> in configuration.</summary>
public sealed class RegistryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Registry";

    /// <summary>Folder with the committed data files (kinds, plan targets, district changes). Found automatically when empty.</summary>
    public string? DataDir { get; set; }

    /// <summary>Folder with the npm packages that hold the district sources. Found automatically when empty.</summary>
    public string? NodeModulesDir { get; set; }

    /// <summary>Basemap tile URL template; none by default so the map works offline.</summary>
    public string? TileUrl { get; set; }

    /// <summary>Attribution the tile provider requires.</summary>
    public string? TileAttribution { get; set; }

    /// <summary>Letters or digits that replace <c>{s}</c> in the tile URL (Tianditu: 01234567).</summary>
    public string? TileSubdomains { get; set; }

    /// <summary>Generate demo data when the database has no facilities.</summary>
    public bool LoadDemoData { get; set; } = true;

    /// <summary>District the map opens on.</summary>
    public string DefaultDistrict { get; set; } = "140881";

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;

    /// <summary>
    /// The address clients reach the registry at (<c>https://registry.example.gov.cn</c>, with a path if it is served
    /// under one). Absolute links start with it; when empty they start with the request's scheme and (allowed) host.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Addresses of reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (loopback always is).</summary>
    public List<string> TrustedProxies { get; set; } = [];
}
