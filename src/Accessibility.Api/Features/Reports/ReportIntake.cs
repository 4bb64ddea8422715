using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Reports;

/// <summary>Limits of anonymous reporting (<c>Registry:Reports</c>).</summary>
public sealed class ReportOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Registry:Reports";

    /// <summary>Anonymous reports (and "me too"s) per client IP per window.</summary>
    public int PerIpPermits { get; set; } = 20;

    /// <summary>Anonymous reports per Open311 device_id per window.</summary>
    public int PerDevicePermits { get; set; } = 5;

    /// <summary>Window in seconds.</summary>
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>The per-device limiter (device_id is in the body, so it is checked after the form is read).</summary>
public sealed class ReportDeviceLimiter(IOptions<ReportOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(device =>
        RateLimitPartition.GetFixedWindowLimiter(device, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PerDevicePermits,
            Window = TimeSpan.FromSeconds(options.Value.WindowSeconds),
            QueueLimit = 0,
        }));

    /// <summary>Null when allowed, else the seconds to wait.</summary>
    public int? TryAcquire(string device)
    {
        using var lease = limiter.AttemptAcquire(device);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : options.Value.WindowSeconds;
    }

    /// <inheritdoc />
    public void Dispose() => limiter.Dispose();
}

/// <summary>Outcome of filing: an Open311 error, or the stored report.</summary>
/// <param name="Code">HTTP status of the error (0 when stored).</param>
/// <param name="Error">Error description.</param>
/// <param name="Id">Tracking number.</param>
/// <param name="DuplicateOf">Primary report it was linked to.</param>
/// <param name="ReporterKey">Secret that lets the reporter reopen the report; shown once.</param>
/// <param name="RetryAfter">Seconds to wait, with 429.</param>
public sealed record IntakeResult(int Code, string? Error, long Id, long? DuplicateOf, string? ReporterKey, int? RetryAfter = null)
{
    /// <summary>An error.</summary>
    public static IntakeResult Fail(int code, string error, int? retryAfter = null) => new(code, error, 0, null, null, retryAfter);
}

/// <summary>
/// Files a public report from an Open311 form (urlencoded or multipart): validates it as the specification
/// asks, places it in a district, links a duplicate (same category, open, within 30 m, under 30 days old),
/// stores an uploaded photo through <see cref="PhotoProcessor"/>, and commits before answering. A report without a photo
/// is placed, linked and stored by <see cref="ReportFilingQueue"/> with the others waiting: nothing on its way there
/// touches the database unless the form asks for it (an api_key, a project, an address instead of a point).
/// </summary>
public sealed class ReportIntake(NpgsqlDataSource dataSource, TimeProvider clock, ReportDeviceLimiter devices, ReportFilingQueue filings)
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "report";

    /// <summary>Duplicate link radius in metres.</summary>
    public const double DuplicateMetres = 30;

    /// <summary>Age limit of a report a new one can duplicate.</summary>
    public static readonly TimeSpan DuplicateMaxAge = TimeSpan.FromDays(30);

    /// <summary>The hidden field people never fill and form-filling bots do.</summary>
    public const string Honeypot = "website";

    /// <summary>Files the report in <paramref name="form"/>.</summary>
    public async Task<IntakeResult> FileAsync(HttpContext http, IFormCollection form, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(form);
        if (!string.IsNullOrEmpty(form[Honeypot]))
        {
            return IntakeResult.Fail(400, "Request refused.");
        }

        long? submitter = UserPrincipal.UserId(http.User);
        var apiKey = Clean(form["api_key"]) ?? Clean(http.Request.Query["api_key"]);
        if (apiKey is not null)
        {
            // Open311 api_key: a personal API token of the hotline system's account, the same table as Bearer tokens.
            var hash = ApiTokens.Hash(apiKey);
            var now0 = clock.GetUtcNow();
            var db = http.RequestServices.GetRequiredService<RegistryDbContext>();
            var token = await db.ApiTokens.AsNoTracking().Include(t => t.User).SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
            if (token?.User is null || token.RevokedAt is not null || token.ExpiresAt <= now0 || token.User.Disabled)
            {
                return IntakeResult.Fail(403, "Invalid api_key.");
            }

            submitter = token.UserId;
        }

        var deviceId = Clean(form["device_id"]);
        if (submitter is null && deviceId is not null && devices.TryAcquire(deviceId) is { } wait)
        {
            return IntakeResult.Fail(429, "Too many reports from this device; try again later.", wait);
        }

        var code = Clean(form["service_code"]);
        if (code is null)
        {
            return IntakeResult.Fail(400, "service_code is required.");
        }

        var service = ServiceCatalog.Find(code);
        if (service is null)
        {
            return IntakeResult.Fail(400, "Unknown service_code " + code + ".");
        }

        var description = Clean(form["description"]);
        var address = Clean(form["address_string"]);
        var email = Clean(form["email"]);
        var phone = Clean(form["phone"]);
        var first = Clean(form["first_name"]);
        var last = Clean(form["last_name"]);
        var accountId = Clean(form["account_id"]);
        var mediaUrl = Clean(form["media_url"]);
        foreach (var (field, value, max) in new[]
        {
            ("description", description, ReportLimits.Description), ("address_string", address, ReportLimits.Address),
            ("email", email, ReportLimits.Email), ("phone", phone, ReportLimits.Phone), ("first_name", first, ReportLimits.Name),
            ("last_name", last, ReportLimits.Name), ("device_id", deviceId, ReportLimits.Id), ("account_id", accountId, ReportLimits.Id),
            ("media_url", mediaUrl, ReportLimits.MediaUrl),
        })
        {
            if (value is not null && value.Length > max)
            {
                return IntakeResult.Fail(400, field + " is longer than " + max.ToString(CultureInfo.InvariantCulture) + " characters.");
            }
        }

        if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.Contains(' ', StringComparison.Ordinal)))
        {
            return IntakeResult.Fail(400, "email is not an e-mail address.");
        }

        if (mediaUrl is not null && !(Uri.TryCreate(mediaUrl, UriKind.Absolute, out var media) && media.Scheme is "http" or "https"))
        {
            return IntakeResult.Fail(400, "media_url must be an http or https URL.");
        }

        var attributes = new JsonObject();
        foreach (var attribute in service.Attributes)
        {
            var value = Clean(form["attribute[" + attribute.Code + "]"]);
            if (value is null)
            {
                if (attribute.Required)
                {
                    return IntakeResult.Fail(400, "attribute[" + attribute.Code + "] is required for service " + service.Code + ".");
                }

                continue;
            }

            if (value.Length > ReportLimits.Attribute
                || (attribute.Values.Count > 0 && !attribute.Values.Any(v => string.Equals(v.Key, value, StringComparison.Ordinal))))
            {
                return IntakeResult.Fail(400, "attribute[" + attribute.Code + "] must be one of " + string.Join(", ", attribute.Values.Select(v => v.Key)) + ".");
            }

            attributes[attribute.Code] = value;
        }

        await using var lookups = new Lookups(dataSource);
        if (attributes[ServiceCatalog.ProjectAttribute]?.GetValue<string>() is { } project
            && !(long.TryParse(project, NumberStyles.None, CultureInfo.InvariantCulture, out var projectId)
                && await ReportSql.ProjectExistsAsync(await lookups.OpenAsync(ct), projectId, ct)))
        {
            return IntakeResult.Fail(400, "attribute[" + ServiceCatalog.ProjectAttribute + "] must be the number of a construction project.");
        }

        var latText = Clean(form["lat"]);
        var lonText = Clean(form["long"]);
        Point location;
        long? facilityId = null;
        if (latText is not null || lonText is not null)
        {
            if (!double.TryParse(latText, NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(lonText, NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                || !double.IsFinite(lat) || !double.IsFinite(lon) || lat is < -90 or > 90 || lon is < -180 or > 180)
            {
                return IntakeResult.Fail(400, "lat and long must both be decimal degrees (WGS 84).");
            }

            location = (Point)CoordinateConverter.ToCgcs2000(new Point(lon, lat), InputCrs.WGS84);
        }
        else if (address is not null)
        {
            // No geocoder: an address string is matched against the names of registered facilities (landmarks).
            if (await ReportSql.FacilityByNameAsync(await lookups.OpenAsync(ct), address, ct) is not { } found)
            {
                return IntakeResult.Fail(400, "address_string matches no registered facility or landmark; send lat and long.");
            }

            facilityId = found.Id;
            location = found.Location;
        }
        else
        {
            return IntakeResult.Fail(400, "A location is required: lat and long, or address_string.");
        }

        location.SRID = RegistryDbContext.Srid;
        Guid? photoId = null;
        Photo? photo = null;
        (string County, string? Township)? district = null;
        if (form.Files.GetFile("media") is { } file)
        {
            // Placed before the photo is processed, so a report that cannot be stored costs no image work.
            district = await DistrictPlacement.PlaceAsync(await lookups.OpenAsync(ct), location, null, new FieldErrors(), ct);
            if (district is null)
            {
                return IntakeResult.Fail(400, OutsideEveryDistrict);
            }

            if (file.Length > PhotoProcessor.MaxFileBytes)
            {
                return IntakeResult.Fail(413, "media is larger than 10 MB.");
            }

            var upload = new byte[file.Length];
            await using (var stream = file.OpenReadStream())
            {
                await stream.ReadExactlyAsync(upload, ct);
            }

            // Anyone may file a report: an anonymous photo gets a smaller pixel budget.
            var maxPixels = http.User.Identity?.IsAuthenticated == true ? PhotoProcessor.MaxPixels : PhotoProcessor.AnonymousMaxPixels;
            var outcome = await PhotoProcessor.ProcessAsync(upload, maxPixels, ct);
            if (outcome.Photo is not { } processed)
            {
                return outcome.Refusal switch
                {
                    PhotoRefusal.Busy => IntakeResult.Fail(503, "media: " + outcome.Message, retryAfter: 5),
                    PhotoRefusal.TooManyPixels => IntakeResult.Fail(422, "media: " + outcome.Message),
                    _ => IntakeResult.Fail(400, "media: " + outcome.Message),
                };
            }

            photo = new Photo
            {
                Id = Guid.CreateVersion7(),
                Content = processed.Content,
                Thumbnail = processed.Thumbnail,
                ContentType = processed.Format.ContentType(),
                Width = processed.Width,
                Height = processed.Height,
                Bytes = processed.Content.Length,
                Sha256 = processed.Sha256,
                UploadedBy = submitter,
                UploadedAt = clock.GetUtcNow(),
            };
            photoId = photo.Id;
        }

        var now = clock.GetUtcNow();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        var report = new Report
        {
            ServiceCode = service.Code,
            Description = description,
            Attributes = attributes,
            Location = location,
            Address = address,
            // Without a photo the filing queue places it, with its batch.
            DistrictCode = district?.County ?? string.Empty,
            TownshipCode = district?.Township,
            Status = ReportStatuses.New,
            FacilityId = facilityId,
            PhotoId = photoId,
            MediaUrl = mediaUrl,
            Email = email,
            Phone = phone,
            FirstName = first,
            LastName = last,
            DeviceId = deviceId,
            AccountId = accountId,
            ReporterKeyHash = ApiTokens.Hash(key),
            SubmittedByUserId = submitter,
            Source = submitter is null ? "open311" : "hotline",
            RequestedAt = now,
            UpdatedAt = now,
        };

        // No contact data in the audit log: it is readable by administrators of every district.
        var actor = new ReportAuditActor(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "anonymous", http.Connection.RemoteIpAddress?.ToString(), AuditActions.Create, AuditEntityType);
        if (photo is null)
        {
            // The report, its link, its event and its audit entry, committed with the others waiting (group commit).
            return await filings.FileAsync(report, actor, now - DuplicateMaxAge, ct) is { } filed
                ? new IntakeResult(0, null, filed.Id, filed.DuplicateOf, key)
                : IntakeResult.Fail(400, OutsideEveryDistrict);
        }

        var photoDb = http.RequestServices.GetRequiredService<RegistryDbContext>();
        var connection = await WriteResults.OpenAsync(photoDb, ct);
        await using var tx = await photoDb.Database.BeginTransactionAsync(ct);
        photoDb.Photos.Add(photo);
        await photoDb.SaveChangesAsync(ct);
        var stored = await ReportSql.FileAsync(
            connection, (NpgsqlTransaction)tx.GetDbTransaction(), [new ReportFiling(report, actor, now - DuplicateMaxAge)], DuplicateMetres, ct: ct);
        if (stored[0] is not { } one)
        {
            // Placed above; only a boundary changed in between can bring this.
            return IntakeResult.Fail(400, OutsideEveryDistrict);
        }

        await tx.CommitAsync(ct);
        return new IntakeResult(0, null, one.Id, one.DuplicateOf, key);
    }

    private const string OutsideEveryDistrict = "The location is outside every registered district.";

    // A connection of the data source for the few checks that need one, opened on first use.
    private sealed class Lookups(NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        private NpgsqlConnection? connection;

        public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct) => connection ??= await dataSource.OpenConnectionAsync(ct);

        public ValueTask DisposeAsync() => connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private static string? Clean(Microsoft.Extensions.Primitives.StringValues value) => Text.Clean(value.ToString());
}
