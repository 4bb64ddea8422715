using System.Security.Cryptography;
using System.Text;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Secrets of personal API tokens and of the departments' read-only API keys (Features/Sharing):
/// random, shown once, stored only as a hash.
/// </summary>
public static class ApiTokens
{
    /// <summary>Secrets start with this, so leaked tokens are easy to find by secret scanners.</summary>
    public const string SecretPrefix = "acr_";

    /// <summary>A new random secret (256 bits) starting with <paramref name="prefix"/> (default <see cref="SecretPrefix"/>).</summary>
    public static string NewSecret(string prefix = SecretPrefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .Replace('+', '-').Replace('/', '_').TrimEnd('=');

    /// <summary>The first characters of <paramref name="secret"/>, shown in lists to tell secrets apart: its prefix and 6 more.</summary>
    public static string DisplayPrefix(string secret, string prefix = SecretPrefix) => secret[..(prefix.Length + 6)];

    /// <summary>Lower-case hex SHA-256: tokens are high-entropy, so a fast hash is enough.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
