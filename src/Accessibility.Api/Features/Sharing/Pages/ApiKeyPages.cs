namespace Accessibility.Api.Features.Sharing.Pages;

/// <summary>What the API key pages share.</summary>
internal static class ApiKeyPages
{
    /// <summary>Catalogue key of a key's status: active, revoked or expired (said in words, not only by colour).</summary>
    public static string StatusKey(ApiKeySummary key) =>
        key.RevokedAt is not null ? "apiKeys.status.revoked" : key.Active ? "apiKeys.status.active" : "apiKeys.status.expired";
}
