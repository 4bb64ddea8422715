namespace Accessibility.Api.Features.Auth;

/// <summary>A person who signs in: inspector, planner, district administrator or system administrator.</summary>
public sealed class UserAccount
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>Login name, unique (case-insensitive).</summary>
    public required string UserName { get; set; }

    /// <summary>Name shown in the audit log and the page.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Hash from ASP.NET Core Identity's password hasher.</summary>
    public required string PasswordHash { get; set; }

    /// <summary>inspector, planner, district-admin or system-admin.</summary>
    public required string Role { get; set; }

    /// <summary>Districts (GB/T 2260 codes) the user may act in, with their children.</summary>
    public List<string> DistrictScopes { get; set; } = [];

    /// <summary>Disabled accounts cannot sign in and their tokens stop working.</summary>
    public bool Disabled { get; set; }

    /// <summary>For a managing-unit account: the unit's name (管理责任单位), as facilities and defects name it; null for other roles.</summary>
    public string? ManagingUnit { get; set; }

    /// <summary>
    /// For a grid-worker account: the community grids (网格, 12-digit codes) it is responsible for; empty for other roles.
    /// </summary>
    public List<string> GridCodes { get; set; } = [];

    /// <summary>When the account was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
