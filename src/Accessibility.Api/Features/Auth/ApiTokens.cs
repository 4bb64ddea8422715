using System.Security.Cryptography;
using System.Text;

namespace Accessibility.Api.Features.Auth;

/// <summary>Personal API token secrets: random, shown once, stored only as a hash.</summary>
public static class ApiTokens
{
    /// <summary>Secrets start with this, so leaked tokens are easy to find by secret scanners.</summary>
    public const string SecretPrefix = "acr_";

    /// <summary>A new random secret (256 bits).</summary>
    public static string NewSecret() =>
        SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .Replace('+', '-').Replace('/', '_').TrimEnd('=');

    /// <summary>Lower-case hex SHA-256: tokens are high-entropy, so a fast hash is enough.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
