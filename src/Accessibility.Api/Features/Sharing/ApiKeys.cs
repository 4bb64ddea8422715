using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Sharing;

/// <summary>Issues and revokes API keys; shared by the endpoints and the command line.</summary>
public sealed class ApiKeys(RegistryDbContext db, TimeProvider clock)
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntity = "api_key";

    /// <summary>
    /// True when <paramref name="caller"/> may manage a key of <paramref name="districtCodes"/>: system administrators
    /// every key, district administrators the keys whose districts all lie inside their own.
    /// </summary>
    public static bool MayManage(ClaimsPrincipal caller, IReadOnlyCollection<string> districtCodes)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(districtCodes);
        IReadOnlyCollection<string> codes = districtCodes.Count == 0 ? [RegistryResource.Everywhere] : districtCodes;
        return codes.All(code => AccessRules.Allows(caller, Operations.Administer.Name, RegistryResource.In(ResourceKinds.ApiKey, code)));
    }

    /// <summary>Checks a request; returns the normalized districts and layers, or the errors by field.</summary>
    public async Task<(List<string> Districts, List<string> Layers)> ValidateAsync(CreateApiKeyRequest request, FieldErrors errors, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        var department = request.Department?.Trim() ?? "";
        if (department.Length is 0 or > ApiKeyLimits.Department)
        {
            errors.Add("department", $"The department the key is issued to: 1 to {ApiKeyLimits.Department} characters.");
        }

        if (request.Purpose?.Trim().Length > ApiKeyLimits.Purpose)
        {
            errors.Add("purpose", $"At most {ApiKeyLimits.Purpose} characters.");
        }

        if (request.ExpiresInDays is < 1 or > ApiKeyLimits.MaxDays)
        {
            errors.Add("expiresInDays", $"A key expires in 1 to {ApiKeyLimits.MaxDays} days, or never when left out.");
        }

        var districts = new List<string>();
        var malformed = new List<string>();
        foreach (var text in request.DistrictCodes ?? [])
        {
            if (DistrictCodes.TryNormalize(text, out var code))
            {
                if (!districts.Contains(code, StringComparer.Ordinal))
                {
                    districts.Add(code);
                }
            }
            else
            {
                malformed.Add(text ?? "null");
            }
        }

        if (malformed.Count > 0)
        {
            errors.Add("districtCodes", "Not GB/T 2260 codes: " + string.Join(", ", malformed) + ".");
        }
        else if (districts.Count == 0)
        {
            errors.Add("districtCodes", "A key reads at least one district (province, prefecture or county code).");
        }
        else
        {
            var known = await db.Districts.AsNoTracking().Where(d => districts.Contains(d.Code)).Select(d => new { d.Code, d.Level }).ToListAsync(ct);
            var unknown = districts.Where(c => known.All(k => k.Code != c)).ToList();
            var townships = known.Where(k => k.Level == DistrictLevel.Township).Select(k => k.Code).ToList();
            if (unknown.Count > 0)
            {
                errors.Add("districtCodes", "Unknown district code(s): " + string.Join(", ", unknown) + ".");
            }

            // Records carry their county: sharing is by county or larger, so a key's scope is a code prefix of every record in it.
            if (townships.Count > 0)
            {
                errors.Add("districtCodes", "Keys are scoped to provinces, prefectures or counties, not townships: " + string.Join(", ", townships) + ".");
            }
        }

        var layers = new List<string>();
        foreach (var layer in request.Layers ?? [])
        {
            if (layer is null || !SharedLayers.IsLayer(layer))
            {
                errors.Add("layers", "Unknown layer '" + layer + "'; expected some of: " + string.Join(", ", SharedLayers.All) + ".");
            }
            else if (!layers.Contains(layer, StringComparer.Ordinal))
            {
                layers.Add(layer);
            }
        }

        if (layers.Count == 0 && !errors.Has("layers"))
        {
            errors.Add("layers", "A key reads at least one layer: " + string.Join(", ", SharedLayers.All) + ".");
        }

        return (districts, layers);
    }

    /// <summary>Issues a key (saved); the secret is returned once and never stored.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(
        CreateApiKeyRequest request, List<string> districts, List<string> layers, long? userId, string createdBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var secret = ApiTokens.NewSecret(ApiKeyAuthenticationHandler.SecretPrefix);
        var now = clock.GetUtcNow();
        var key = new ApiKey
        {
            Department = request.Department!.Trim(),
            Purpose = string.IsNullOrWhiteSpace(request.Purpose) ? null : request.Purpose.Trim(),
            DistrictCodes = districts,
            Layers = layers,
            KeyHash = ApiTokens.Hash(secret),
            Prefix = ApiTokens.DisplayPrefix(secret, ApiKeyAuthenticationHandler.SecretPrefix),
            CreatedAt = now,
            CreatedByUserId = userId,
            CreatedBy = createdBy.Length <= 100 ? createdBy : createdBy[..100],
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return (key, secret);
    }

    /// <summary>What the audit log keeps of a key: never the secret or its hash.</summary>
    public static JsonObject Snapshot(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new()
        {
            ["department"] = key.Department,
            ["purpose"] = key.Purpose,
            ["districtCodes"] = new JsonArray([.. key.DistrictCodes.Select(c => JsonValue.Create(c))]),
            ["layers"] = new JsonArray([.. key.Layers.Select(l => JsonValue.Create(l))]),
            ["prefix"] = key.Prefix,
            ["expiresAt"] = key.ExpiresAt,
            ["revokedAt"] = key.RevokedAt,
        };
    }
}

/// <summary>A new API key.</summary>
/// <param name="Department">The department it is issued to (1–200 characters).</param>
/// <param name="Purpose">What it is for: the sharing agreement, a contact (optional, ≤ 500).</param>
/// <param name="DistrictCodes">Province, prefecture or county codes it reads, with everything inside them.</param>
/// <param name="Layers">Layers it reads: facilities, roads, inspections, defects, public-reports, renovation-statistics, coverage, plan-targets.</param>
/// <param name="ExpiresInDays">Lifetime in days (1–3650); never expires when left out.</param>
public sealed record CreateApiKeyRequest(string? Department, string? Purpose, string?[]? DistrictCodes, string?[]? Layers, int? ExpiresInDays);

/// <summary>A key as administrators see it: never its secret.</summary>
/// <param name="Id">Key id.</param>
/// <param name="Department">Department.</param>
/// <param name="Purpose">Purpose.</param>
/// <param name="DistrictCodes">Districts it reads.</param>
/// <param name="Layers">Layers it reads.</param>
/// <param name="Prefix">First characters of the secret.</param>
/// <param name="CreatedAt">Issued.</param>
/// <param name="CreatedBy">Who issued it.</param>
/// <param name="ExpiresAt">Stops working, if ever.</param>
/// <param name="RevokedAt">Revoked, if it was.</param>
/// <param name="LastUsedAt">Last use (as of the last write of the usage counters, every few seconds).</param>
/// <param name="Active">Neither revoked nor expired.</param>
/// <param name="RequestsLast30Days">Requests counted in the last 30 days.</param>
public sealed record ApiKeySummary(
    long Id, string Department, string? Purpose, IReadOnlyList<string> DistrictCodes, IReadOnlyList<string> Layers, string Prefix,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, bool Active,
    long RequestsLast30Days)
{
    internal static ApiKeySummary From(ApiKey k, DateTimeOffset now, long requests) =>
        new(k.Id, k.Department, k.Purpose, k.DistrictCodes, k.Layers, k.Prefix, k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.LastUsedAt,
            k.RevokedAt is null && !(k.ExpiresAt <= now), requests);
}

/// <summary>A newly issued key with its secret: shown this once.</summary>
/// <param name="Key">The key.</param>
/// <param name="Secret">Send as <c>X-Api-Key: &lt;secret&gt;</c>. Not stored; cannot be shown again.</param>
public sealed record CreatedApiKey(ApiKeySummary Key, string Secret);

/// <summary>Usage of one key.</summary>
/// <param name="KeyId">Key id.</param>
/// <param name="From">First day (China Standard Time).</param>
/// <param name="To">Last day.</param>
/// <param name="Total">Requests in the period.</param>
/// <param name="ByLayer">Requests per layer in the period.</param>
/// <param name="Days">Requests per day, layer and route.</param>
public sealed record ApiKeyUsageReport(long KeyId, DateOnly From, DateOnly To, long Total, IReadOnlyDictionary<string, long> ByLayer, IReadOnlyList<UsageRow> Days);
