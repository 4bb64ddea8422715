using System.Security.Cryptography;
using System.Text;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Encrypts personal data at rest with AES-256-GCM and computes a keyed hash (HMAC-SHA256) for
/// finding duplicate ID numbers without decrypting. Both keys are derived with HKDF-SHA256 from
/// one 32-byte master key, configuration <c>Registry:PersonalDataKey</c> (base64), which never
/// lives in the repository.
/// </summary>
/// <remarks>
/// Cipher layout: version byte (1) ‖ nonce (12) ‖ ciphertext ‖ tag (16). The field name is the
/// associated data, so an ID-number cipher pasted into the phone column fails to decrypt.
/// </remarks>
public sealed class PersonalDataProtector
{
    /// <summary>Configuration key of the master key.</summary>
    public const string ConfigurationKey = "Registry:PersonalDataKey";

    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] encryptionKey;
    private readonly byte[] hashKey;

    /// <summary>Derives the working keys from a 32-byte master key.</summary>
    public PersonalDataProtector(byte[] masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The personal data key must be 32 bytes.", nameof(masterKey));
        }

        encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "registry personal data aes-gcm v1"u8.ToArray());
        hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "registry personal data hmac v1"u8.ToArray());
    }

    /// <summary>Encrypts <paramref name="plain"/> for the column <paramref name="field"/>.</summary>
    public byte[] Encrypt(string plain, string field)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var data = Encoding.UTF8.GetBytes(plain);
        var output = new byte[1 + NonceSize + data.Length + TagSize];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(encryptionKey, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(1 + NonceSize, data.Length), output.AsSpan(1 + NonceSize + data.Length, TagSize), Encoding.UTF8.GetBytes(field));
        return output;
    }

    /// <summary>Decrypts what <see cref="Encrypt"/> made for the same field; throws <see cref="CryptographicException"/> on tampering or a wrong key.</summary>
    public string Decrypt(byte[] cipher, string field)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (cipher.Length < 1 + NonceSize + TagSize || cipher[0] != FormatVersion)
        {
            throw new CryptographicException("Unknown cipher format.");
        }

        var length = cipher.Length - 1 - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(encryptionKey, TagSize);
        aes.Decrypt(cipher.AsSpan(1, NonceSize), cipher.AsSpan(1 + NonceSize, length), cipher.AsSpan(1 + NonceSize + length, TagSize), plain, Encoding.UTF8.GetBytes(field));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>HMAC-SHA256 of a normalised value: equal inputs give equal hashes, and without the key the hash tells nothing.</summary>
    public byte[] Hash(string normalised) => HMACSHA256.HashData(hashKey, Encoding.UTF8.GetBytes(normalised));

    /// <summary>The last <paramref name="keep"/> characters, the rest as <c>*</c>: 14088119800101123X → **************123X.</summary>
    public static string Mask(string? value, int keep = 4)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return value.Length <= keep ? new string('*', value.Length) : new string('*', value.Length - keep) + value[^keep..];
    }

    /// <summary>
    /// The protector for this configuration: <c>Registry:PersonalDataKey</c> when set; otherwise the checkout's key file
    /// <c>var/personal-data.key</c> (the nearest up from the content root, as the database's connection files under
    /// <c>var/pg/</c> are found), which <c>scripts/personal-data-key.sh</c> generates once for <c>make run</c>,
    /// <c>make test</c> and the command-line verbs (<c>make user</c>, <c>make token</c>…), in any environment; otherwise,
    /// outside Production, such a file generated now (never committed: <c>var/</c> is ignored). In Production with neither,
    /// or with a malformed key, start-up stops.
    /// </summary>
    public static PersonalDataProtector FromConfiguration(IConfiguration configuration, IHostEnvironment environment, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var configured = configuration[ConfigurationKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PersonalDataProtector(ParseKey(configured, ConfigurationKey));
        }

        if (ExistingKeyFile(contentRoot) is { } existing)
        {
            return new PersonalDataProtector(ParseKey(File.ReadAllText(existing), existing));
        }

        if (environment.IsProduction())
        {
            throw new InvalidOperationException(
                $"No key for personal data: set {ConfigurationKey} (environment variable Registry__PersonalDataKey) to 32 random bytes in base64, "
                + "e.g. `head -c 32 /dev/urandom | base64`, or run scripts/personal-data-key.sh once in the checkout (it writes var/personal-data.key). "
                + "Keep it outside the repository and back it up: without it the ID and phone numbers of renovation cases cannot be read.");
        }

        var file = DevelopmentKeyFile(contentRoot);
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var key = RandomNumberGenerator.GetBytes(32);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // 600, as scripts/personal-data-key.sh
                }

                using var stream = new FileStream(file, options);
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another process created it first: use theirs.
            }
        }

        return new PersonalDataProtector(ParseKey(File.ReadAllText(file), file));
    }

    /// <summary>The nearest <c>var/personal-data.key</c> up from <paramref name="contentRoot"/>, or null.</summary>
    public static string? ExistingKeyFile(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "var", "personal-data.key");
            if (File.Exists(file))
            {
                return file;
            }
        }

        return null;
    }

    /// <summary>The development key file: <c>var/personal-data.key</c> in the nearest folder up that has <c>var/</c>, else under the content root.</summary>
    public static string DevelopmentKeyFile(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "var")) && File.Exists(Path.Combine(dir.FullName, "Accessibility.sln")))
            {
                return Path.Combine(dir.FullName, "var", "personal-data.key");
            }
        }

        return Path.Combine(contentRoot, "var", "personal-data.key");
    }

    private static byte[] ParseKey(string text, string where)
    {
        try
        {
            var key = Convert.FromBase64String(text.Trim());
            if (key.Length == 32)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException($"The personal data key in {where} must be 32 bytes in base64 (44 characters).");
    }
}
