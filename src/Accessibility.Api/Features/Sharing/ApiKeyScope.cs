using System.Globalization;
using System.Security.Claims;
using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// What the API key of a request may read: its layers and districts. Endpoints ask <see cref="Of(HttpContext)"/>;
/// null means the caller is not using a key (anonymous, a personal token or the session cookie) and nothing changes.
/// </summary>
/// <remarks>
/// A key's principal deliberately has none of the registry's roles and no <see cref="RegistryClaims.DistrictScope"/>
/// claims, so every role or district check of the other features (writes, household cases, administration)
/// refuses it without knowing about keys; it is only "signed in", which lifts the staff-name redaction of
/// inspections and defects (read-personal rows of <see cref="Infrastructure.Authorization.AccessRules"/>) for the records a key may read.
/// </remarks>
public sealed class ApiKeyScope
{
    /// <summary>Role claim of a key's principal: not one of <see cref="Roles.All"/>.</summary>
    public const string Role = "api-key";

    /// <summary>Claim with the key's id.</summary>
    public const string KeyIdClaim = "api_key_id";

    /// <summary>One claim per district of the key.</summary>
    public const string DistrictClaim = "api_key_district";

    /// <summary>One claim per layer of the key.</summary>
    public const string LayerClaim = "api_key_layer";

    private ApiKeyScope(long keyId, IReadOnlyList<string> districtCodes, IReadOnlyList<string> layers)
    {
        KeyId = keyId;
        DistrictCodes = districtCodes;
        Layers = layers;
        LikePatterns = districtCodes.Select(c => DistrictScope.Prefix(c) + "%").Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The key.</summary>
    public long KeyId { get; }

    /// <summary>Province, prefecture or county codes the key reads, with what lies inside them.</summary>
    public IReadOnlyList<string> DistrictCodes { get; }

    /// <summary>Layers the key reads.</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>SQL <c>LIKE</c> patterns of the districts (code prefix and <c>%</c>), for <see cref="Infrastructure.Authorization.ReadScope"/>.</summary>
    public string[] LikePatterns { get; }

    /// <summary>Whether <paramref name="districtCode"/> lies inside the key's districts.</summary>
    public bool Covers(string districtCode) => DistrictScope.Covers(DistrictCodes, districtCode);

    /// <summary>Whether the key reads <paramref name="layer"/> (reference data: always).</summary>
    public bool Reads(string layer) => layer == SharedLayers.Reference || Layers.Contains(layer, StringComparer.Ordinal);

    /// <summary>The principal of an authenticated key.</summary>
    public static ClaimsPrincipal Principal(ApiKey key, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(key);
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, "api-key:" + key.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Role, Role),
            new(KeyIdClaim, key.Id.ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(key.DistrictCodes.Select(c => new Claim(DistrictClaim, c)));
        claims.AddRange(key.Layers.Select(l => new Claim(LayerClaim, l)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The scope of the request's key, or null when the request does not use one.</summary>
    public static ApiKeyScope? Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(typeof(ApiKeyScope), out var cached))
        {
            return cached as ApiKeyScope;
        }

        var scope = Of(http.User);
        http.Items[typeof(ApiKeyScope)] = scope;
        return scope;
    }

    /// <summary>The scope of <paramref name="user"/> when it is a key's principal, else null.</summary>
    public static ApiKeyScope? Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity is not { IsAuthenticated: true, AuthenticationType: ApiKeyAuthenticationHandler.SchemeName }
            || !long.TryParse(user.FindFirstValue(KeyIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        return new ApiKeyScope(id, [.. user.FindAll(DistrictClaim).Select(c => c.Value)], [.. user.FindAll(LayerClaim).Select(c => c.Value)]);
    }

    /// <summary>403 problem details for a record or district outside the key's districts.</summary>
    public static IResult OutsideDistricts(string districtCode) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Outside the API key's districts",
        detail: "District " + districtCode + " is outside the districts this API key reads.",
        extensions: new Dictionary<string, object?> { ["districtCode"] = districtCode });
}
