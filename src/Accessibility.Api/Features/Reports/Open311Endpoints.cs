using System.Globalization;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Reports;

/// <summary>
/// Open311 GeoReport v2 at <c>/open311/v2</c> (http://wiki.open311.org/GeoReport_v2): discovery, services,
/// service definitions, filing requests (form-encoded or multipart with <c>media</c>) and reading them, each as
/// <c>.xml</c> or <c>.json</c>. Errors are the specification's <c>[{"code","description"}]</c> with that HTTP status.
/// Contact data, device and account ids are stored for staff and never appear in any answer here.
/// </summary>
public static class Open311Endpoints
{
    /// <summary>Rate limiter policy of anonymous filing.</summary>
    public const string RateLimitPolicy = "reports";

    /// <summary>Longest date range of a request search, as the specification suggests.</summary>
    public const int MaxRangeDays = 90;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapOpen311Endpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/open311/v2").WithTags("Open311");
        group.MapGet("discovery.{format}", Discovery)
            .WithName("Open311Discovery").AllowAnonymous().WithSummary("Open311 service discovery: endpoint, specification, formats.");
        group.MapGet("services.{format}", Services)
            .WithName("Open311Services").AllowAnonymous().WithSummary("Report categories with Chinese and English names.");
        group.MapGet("services/{code}.{format}", ServiceDefinition)
            .WithName("Open311ServiceDefinition").AllowAnonymous().WithSummary("Attributes of one category.");
        group.MapPost("requests.{format}", PostRequest)
            .WithName("Open311PostRequest").RequireAccess(ResourceKinds.Report, Operations.Create).WithSummary("Files a report (anonymous: rate-limited; api_key or Bearer token: a hotline on a caller's behalf).")
            .WithMetadata(new BodySizeLimit(PhotoEndpoints.MaxRequestBodyBytes))
            .RequireRateLimiting(RateLimitPolicy)
            .DisableAntiforgery();
        group.MapGet("requests.{format}", GetRequests)
            .WithName("Open311GetRequests").RequireAccess(ResourceKinds.Report, Operations.Read).WithSummary("Reports by id, category, status and date (≤ 90 days); extension: lat, long, radius (m).");
        group.MapGet("requests/{id}.{format}", GetRequest)
            .WithName("Open311GetRequest").RequireAccess(ResourceKinds.Report, Operations.Read).WithSummary("One report.");
        return app;
    }

    private static IResult Discovery(string format, HttpContext http)
    {
        if (!Open311Format.IsKnown(format))
        {
            return Open311Format.Error("json", 404, "Unknown format " + format + "; use .json or .xml.");
        }

        var url = PublicUrls.Absolute(http.Request, "/open311/v2/");
        var endpoint = new O311Object()
            .With("specification", "http://wiki.open311.org/GeoReport_v2")
            .With("url", url)
            .With("changeset", "2026-11-23T00:00:00+08:00")
            .With("type", "production")
            .With("formats", new O311List("format", [Open311Format.Xml, Open311Format.Json]));
        return Open311Format.Single(format, "discovery", new O311Object()
            .With("changeset", "2026-11-23T00:00:00+08:00")
            .With("contact", "12345 市民服务热线 / 12345 citizen hotline")
            .With("key_service", "API keys are personal tokens of a hotline account, issued by a system administrator.")
            .With("endpoints", new O311List("endpoint", [endpoint])));
    }

    private static IResult Services(string format)
    {
        if (!Open311Format.IsKnown(format))
        {
            return Open311Format.Error("json", 404, "Unknown format " + format + "; use .json or .xml.");
        }

        return Open311Format.List(format, "services", "service", ServiceCatalog.All.Select(s => new O311Object()
            .With("service_code", s.Code)
            .With("service_name", s.Name)
            .With("description", s.DescriptionZh + " / " + s.DescriptionEn)
            .With("metadata", s.Attributes.Count > 0)
            .With("type", "realtime")
            .With("keywords", string.Join(",", s.FacilityKinds))
            .With("group", ServiceCatalog.Group)
            .With("service_name_zh", s.Zh)
            .With("service_name_en", s.En)));
    }

    private static IResult ServiceDefinition(string code, string format)
    {
        if (!Open311Format.IsKnown(format))
        {
            return Open311Format.Error("json", 404, "Unknown format " + format + "; use .json or .xml.");
        }

        if (ServiceCatalog.Find(code) is not { } service)
        {
            return Open311Format.Error(format, 404, "Unknown service_code " + code + ".");
        }

        var attributes = service.Attributes.Select((a, i) => (object?)new O311Object()
            .With("variable", true)
            .With("code", a.Code)
            .With("datatype", a.Datatype)
            .With("required", a.Required)
            .With("datatype_description", a.Datatype == "singlevaluelist" ? "One of the keys below." : null)
            .With("order", i + 1)
            .With("description", a.Zh + " / " + a.En)
            .With("values", new O311List("value", [.. a.Values.Select(v => (object?)new O311Object().With("key", v.Key).With("name", v.Zh + " / " + v.En))])));
        return Open311Format.Single(format, "service_definition", new O311Object()
            .With("service_code", service.Code)
            .With("attributes", new O311List("attribute", [.. attributes])));
    }

    private static async Task<IResult> PostRequest(string format, HttpContext http, ReportIntake intake, CancellationToken ct)
    {
        if (!Open311Format.IsKnown(format))
        {
            return Open311Format.Error("json", 404, "Unknown format " + format + "; use .json or .xml.");
        }

        if (!http.Request.HasFormContentType)
        {
            return Open311Format.Error(format, 400, "Send the request form-encoded (application/x-www-form-urlencoded or multipart/form-data).");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Open311Format.Error(format, 413, "The request body is too large.");
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            // Also a form field over the form reader's limits (value length, field count).
            return Open311Format.Error(format, 400, "The form cannot be read: " + ex.Message);
        }

        if (InputText.Check(form) is { } formErrors)
        {
            var (field, messages) = formErrors.ToDictionary().First();
            return Open311Format.Error(format, 400, field + ": " + messages[0]);
        }

        var result = await intake.FileAsync(http, form, ct);
        if (result.Error is not null)
        {
            if (result.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            }

            return Open311Format.Error(format, result.Code, result.Error);
        }

        var id = result.Id.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.Location = "/open311/v2/requests/" + id + "." + format;
        var notice = result.DuplicateOf is { } primary
            ? "已关联到附近同类报告 " + primary.ToString(CultureInfo.InvariantCulture) + " / Linked to report " + primary.ToString(CultureInfo.InvariantCulture) + " of the same problem nearby."
            : "已受理，跟踪号 " + id + " / Received; tracking number " + id + ".";
        return Open311Format.List(format, "service_requests", "request",
        [
            new O311Object()
                .With("service_request_id", id)
                .With("service_notice", notice)
                .With("account_id", null)
                .With("duplicate_of", result.DuplicateOf?.ToString(CultureInfo.InvariantCulture))
                .With("reporter_key", result.ReporterKey),
        ], StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetRequests(string format, HttpRequest request, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        if (!Open311Format.IsKnown(format))
        {
            return Open311Format.Error("json", 404, "Unknown format " + format + "; use .json or .xml.");
        }

        var q = request.Query;
        List<long>? ids = null;
        if (q["service_request_id"].ToString() is { Length: > 0 } idText)
        {
            ids = [];
            foreach (var part in idText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    return Open311Format.Error(format, 400, "service_request_id must be a comma-separated list of numbers.");
                }

                ids.Add(id);
            }
        }

        List<string>? codes = null;
        if (q["service_code"].ToString() is { Length: > 0 } codeText)
        {
            codes = [.. codeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            if (codes.FirstOrDefault(c => ServiceCatalog.Find(c) is null) is { } unknown)
            {
                return Open311Format.Error(format, 400, "Unknown service_code " + unknown + ".");
            }
        }

        string? status = null;
        if (q["status"].ToString() is { Length: > 0 } statusText)
        {
            var statuses = statusText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (statuses.Any(s => s is not ("open" or "closed")))
            {
                return Open311Format.Error(format, 400, "status must be open, closed or both.");
            }

            status = statuses.Distinct(StringComparer.Ordinal).Count() == 1 ? statuses[0] : null;
        }

        DateTimeOffset? start = null, end = null;
        foreach (var (name, set) in new (string, Action<DateTimeOffset>)[] { ("start_date", v => start = v), ("end_date", v => end = v) })
        {
            if (q[name].ToString() is { Length: > 0 } text)
            {
                // Years 1 and 9999 are refused too: 90 days are added to or taken from a date.
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
                    || value.Year is < 1900 or > 9000)
                {
                    return Open311Format.Error(format, 400, name + " must be an ISO 8601 date-time (e.g. 2026-11-01T00:00:00+08:00).");
                }

                set(value);
            }
        }

        if (start is not null && end is not null && end < start)
        {
            return Open311Format.Error(format, 400, "end_date is before start_date.");
        }

        if (start is not null && end is not null && end - start > TimeSpan.FromDays(MaxRangeDays))
        {
            return Open311Format.Error(format, 400, "The range from start_date to end_date is at most 90 days.");
        }

        // Without dates: the last 90 days; with one: 90 days from (or to) it.
        end ??= start?.AddDays(MaxRangeDays) ?? clock.GetUtcNow();
        start ??= end.Value.AddDays(-MaxRangeDays);

        Point? near = null;
        double radius = 0;
        if (q["lat"].ToString() is { Length: > 0 } || q["long"].ToString() is { Length: > 0 })
        {
            if (!double.TryParse(q["lat"], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(q["long"], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                || lat is < -90 or > 90 || lon is < -180 or > 180)
            {
                return Open311Format.Error(format, 400, "lat and long must both be decimal degrees (WGS 84).");
            }

            radius = 250;
            if (q["radius"].ToString() is { Length: > 0 } r
                && (!double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out radius) || radius is <= 0 or > 5000))
            {
                return Open311Format.Error(format, 400, "radius must be 1 to 5000 metres.");
            }

            near = (Point)CoordinateConverter.ToCgcs2000(new Point(lon, lat), InputCrs.WGS84);
            near.SRID = Data.RegistryDbContext.Srid;
        }

        var filter = new ReportFilter(ids, codes, status, ids is null ? start : null, ids is null ? end : null, near, radius, null, null, 1000,
            ReadScope.For(request.HttpContext, ResourceKinds.Report, Operations.Read));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var reports = await ReportSql.SearchAsync(connection, filter, ct);
        return Open311Format.List(format, "service_requests", "request", reports.Select(r => ToOpen311(r, request)));
    }

    private static async Task<IResult> GetRequest(string id, string format, HttpRequest request, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (!Open311Format.IsKnown(format))
        {
            return Open311Format.Error("json", 404, "Unknown format " + format + "; use .json or .xml.");
        }

        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return Open311Format.Error(format, 404, "No service request " + id + ".");
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var reports = await ReportSql.SearchAsync(connection, new ReportFilter([number], null, null, null, null, null, 0, null, null, 1), ct);
        if (reports.Count == 0)
        {
            return Open311Format.Error(format, 404, "No service request " + id + ".");
        }

        return !await request.HttpContext.MayAsync(Operations.Read, RegistryResource.In(ResourceKinds.Report, reports[0].DistrictCode))
            ? Open311Format.Error(format, 403, "Service request " + id + " is in district " + reports[0].DistrictCode + ", outside the districts of this API key.")
            : Open311Format.List(format, "service_requests", "request", reports.Select(r => ToOpen311(r, request)));
    }

    /// <summary>A report as an Open311 service request: public fields only.</summary>
    public static O311Object ToOpen311(PublicReport r, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(request);
        var service = ServiceCatalog.Find(r.ServiceCode);
        var media = r.PhotoId is { } photo ? PublicUrls.Absolute(request, "/api/v1/photos/" + photo) : r.MediaUrl;
        return new O311Object()
            .With("service_request_id", r.Id.ToString(CultureInfo.InvariantCulture))
            .With("status", ReportStatuses.Open311(r.Status))
            .With("status_notes", r.StatusNotes)
            .With("service_name", service?.Name ?? r.ServiceCode)
            .With("service_code", r.ServiceCode)
            .With("description", r.Description)
            .With("agency_responsible", (r.DistrictName ?? r.DistrictCode) + " 无障碍环境建设主管部门 / accessibility office")
            .With("service_notice", null)
            .With("requested_datetime", r.RequestedAt)
            .With("updated_datetime", r.UpdatedAt)
            .With("expected_datetime", null)
            .With("address", r.Address)
            .With("address_id", null)
            .With("zipcode", null)
            .With("lat", Math.Round(r.Lat, 7))
            .With("long", Math.Round(r.Lon, 7))
            .With("media_url", media)
            .With("duplicate_of", r.DuplicateOf?.ToString(CultureInfo.InvariantCulture))
            .With("duplicates", r.Duplicates)
            .With("me_too", r.MeToo);
    }
}
