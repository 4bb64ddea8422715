using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Auth;
using Accessibility.Api.Tests.Facilities;
using Accessibility.Api.Tests.Renovations;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Hardening;

/// <summary>
/// Bad input is a 4xx, never a 5xx: every route of the OpenAPI document gets a generated corpus of bad values
/// (NUL and other control characters, lone surrogates, huge, negative and non-finite numbers, overlong strings,
/// wrong types, 3D/4D coordinates, empty/garbage/deeply nested JSON, empty property names, malformed dates,
/// unknown parameters, bad path values) in each path and query parameter and body field, anonymously and as a
/// signed-in system administrator (and, where that one is refused, a district administrator of Yongji), and
/// the test fails on any 5xx, listing route and value. The corpus is fixed and the sampling seeded, so a
/// failure reproduces.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed partial class BadInputFuzzTests(RegistryFixture registry, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 20261207;

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_route_is_described_in_the_OpenAPI_document()
    {
        using var anonymous = registry.CreateClient();
        var document = JsonNode.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;
        var described = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => m.Key.ToUpperInvariant() + " " + p.Key))
            .ToHashSet(StringComparer.Ordinal);
        var routes = registry.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is not "/openapi/{documentName}.json")
            // The staff workspace's pages are HTML for people, not API (StaffWorkspaceTests covers their rules).
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => m + " " + Template(e.RoutePattern.RawText!)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var missing = routes.Where(r => !described.Contains(r)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Routes the OpenAPI document does not describe:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task No_bad_value_in_any_route_answers_5xx()
    {
        var arranged = await ArrangeAsync();
        using var anonymous = registry.CreateClient();
        var document = JsonNode.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;
        var cases = Cases(document, arranged).ToList();
        Assert.True(cases.Count > 5000, "The corpus is smaller than expected: " + cases.Count);

        using var admin = registry.CreateClient(arranged.AdminToken);
        using var districtAdmin = registry.CreateClient(arranged.DistrictAdminToken);
        var failures = new ConcurrentBag<string>();
        var refusedToAdmin = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await RunAsync(cases, anonymous, "anonymous", failures, null);
        await RunAsync(cases, admin, "system-admin", failures, refusedToAdmin);
        // Renovation budgets and settings belong to a district's administrator: send those the corpus as one.
        var forDistrictAdmin = cases.Where(c => refusedToAdmin.ContainsKey(c.Route)).ToList();
        await RunAsync(forDistrictAdmin, districtAdmin, "district-admin", failures, null);
        output.WriteLine($"{cases.Count} cases, sent anonymously and as a system administrator; {forDistrictAdmin.Count} as a district administrator of 140881 ({string.Join(", ", refusedToAdmin.Keys.Order(StringComparer.Ordinal))}).");

        var list = failures.Order(StringComparer.Ordinal).ToList();
        Assert.True(list.Count == 0, list.Count + " requests answered 5xx (seed " + Seed + "):\n" + string.Join("\n", list.Take(200)));
    }

    private async Task RunAsync(IReadOnlyList<FuzzCase> cases, HttpClient client, string who, ConcurrentBag<string> failures, ConcurrentDictionary<string, bool>? refused)
    {
        var statuses = new ConcurrentDictionary<(string Route, int Status), int>();
        var elapsed = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, ct) =>
        {
            using var request = c.ToRequest(registry.BaseAddress);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                statuses.AddOrUpdate((c.Route, (int)response.StatusCode), 1, (_, n) => n + 1);
                elapsed.AddOrUpdate(c.Route, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks, (_, t) => t + System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{(int)response.StatusCode} {who} {c.Route} {c.Label}");
                }
                else if (refused is not null && response.StatusCode == HttpStatusCode.Forbidden)
                {
                    refused[c.Route] = true;
                }
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"no answer ({ex.Message}) {who} {c.Route} {c.Label}");
            }
        });

        // What each route answered, so that a reader sees how deep the corpus reached (a route that only ever
        // answers 401 or 404 was not tested much), and where the time went.
        foreach (var route in statuses.Keys.Select(k => k.Route).Distinct().OrderByDescending(r => elapsed.GetValueOrDefault(r)))
        {
            var answers = statuses.Where(s => s.Key.Route == route).OrderBy(s => s.Key.Status).Select(s => $"{s.Key.Status}×{s.Value}");
            output.WriteLine($"{who} {route} {TimeSpan.FromTicks(elapsed.GetValueOrDefault(route)).TotalSeconds:0.0} s: {string.Join(" ", answers)}");
        }
    }

    /// <summary>Records the routes can act on, so that one bad value reaches deep into a handler.</summary>
    private async Task<Arranged> ArrangeAsync()
    {
        // Account 1 and token 1 are someone else's: the fuzzed PUT /users/{id}, unlock and DELETE /auth/tokens/{id}
        // never touch the fuzzing accounts.
        await TokenAsync("fuzz-other", Roles.Inspector, "140881");
        var adminToken = await TokenAsync("fuzz-admin", Roles.SystemAdmin);
        var districtAdminToken = await TokenAsync("fuzz-district-admin", Roles.DistrictAdmin, "140881");
        using var admin = registry.CreateClient(adminToken);
        using var facility = await admin.PostAsync(FacilityApi.Url("/api/v1/facilities"), FacilityApi.Json(FacilityApi.CurbRamp(FacilityApi.Yongji)));
        Assert.Equal(HttpStatusCode.Created, facility.StatusCode);
        using var road = await admin.PostAsync(FacilityApi.Url("/api/v1/roads"), FacilityApi.Json(Road()));
        Assert.Equal(HttpStatusCode.Created, road.StatusCode);
        using var districtAdmin = registry.CreateClient(districtAdminToken);
        var at = await RenovationApi.InsideAsync(registry, "140881");
        await RenovationApi.CreateAsync(districtAdmin, RenovationApi.Body("140881", at, RenovationApi.IdNumber()));
        using var report = await admin.PostAsync(FacilityApi.Url("/open311/v2/requests.json"), new FormUrlEncodedContent(Reports.ReportApi.Form(FacilityApi.Yongji)));
        Assert.Equal(HttpStatusCode.Created, report.StatusCode);
        return new Arranged(adminToken, districtAdminToken, at);
    }

    private async Task<string> TokenAsync(string name, string role, params string[] districts)
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var (user, _) = await accounts.CreateAsync(name, AuthTestData.Password, role, districts, null, CancellationToken.None);
        var (_, secret) = await accounts.CreateTokenAsync(user!.Id, "fuzz", null, CancellationToken.None);
        return secret;
    }

    private static JsonObject Road() => new()
    {
        ["name"] = "中山街",
        ["roadClass"] = "main",
        ["geometry"] = FacilityApi.Line((110.4400, 34.8670), (110.4600, 34.8670)),
        ["sidewalkWidthM"] = 3.5,
        ["curbRampStart"] = true,
        ["curbRampEnd"] = false,
        ["tactilePaving"] = "continuous",
        ["surface"] = "paving_stones",
    };

    private sealed record Arranged(string AdminToken, string DistrictAdminToken, double[] InsideYongji);

    // ---- the corpus ----

    /// <summary>A value for a path or query parameter: a label for the report and its percent-encoded form.</summary>
    private sealed record UrlValue(string Label, string Encoded);

    private static UrlValue U(string value) => new(Show(value), Uri.EscapeDataString(value));

    private static readonly UrlValue[] UrlValues =
    [
        U("\0"), U("a\0b"), U("\u0001"), U("\u001f"), new("<lone surrogate U+D800>", "%ED%A0%80"), new("<invalid UTF-8>", "%FF%FE"),
        U(""), U(" "), U("abc"), U("-1"), U("0"), U("-0"), U("1.5"), U("1e308"), U("-1e308"), U("1e309"), U("NaN"), U("Infinity"), U("-Infinity"),
        U("9223372036854775808"), U("-9223372036854775809"), U("99999999999999999999999999"), U("2147483648"), U("-2147483649"),
        U("2026-13-45"), U("2026-02-30T25:61:00Z"), U("0000-00-00"), U("9999-12-31T23:59:59Z"), U("-0001-01-01"),
        U("1,2,3"), U("1,2,3,4"), U("200,100,-200,-100"), U("NaN,NaN,NaN,NaN"), U("110,34,111"),
        U(new string('9', 400)), U(new string('x', 5000)), U("中文"), U("'; SELECT pg_sleep(0);--"), U("../../etc/passwd"),
        U("{}"), U("[]"), U("true"), U("null"), U(" 1"), U("+1"), U("0x1F"), U("١٢٣"), U("%"), U("140881\0"),
    ];

    /// <summary>Query parameters handlers read without declaring them: each GET route gets them too.</summary>
    private static readonly string[] CommonParameters =
    [
        "q", "bbox", "district", "kind", "status", "limit", "offset", "parent", "level", "metres", "cell", "count", "lon", "lat",
        "crs", "near", "since", "until", "from", "to", "asOf", "year", "months", "roadClass", "severity", "facility", "facilityId",
        "datetime", "f", "next", "service_code", "start_date", "end_date", "service_request_id", "api_key", "jurisdiction_id",
        "action", "entity", "entityId", "actor", "radius", "due", "overdue", "sort", "page", "layers", "ancestors", "category",
        "barriers", "codeProperty", "nameProperty", "zz_unknown_parameter",
    ];

    /// <summary>A value for a JSON body field, as raw JSON text.</summary>
    private static readonly (string Label, string Json)[] JsonValues =
    [
        ("NUL", "\"\\u0000\""), ("NUL inside", "\"a\\u0000b\""), ("BEL", "\"\\u0007\""), ("lone surrogate", "\"\\ud800\""),
        ("low surrogate first", "\"\\udc00\\ud800\""), ("2^63", "9223372036854775808"), ("-2^63-1", "-9223372036854775809"),
        ("1e308", "1e308"), ("1e400", "1e400"), ("-1", "-1"), ("0", "0"), ("1.5", "1.5"), ("2^31", "2147483648"),
        ("true", "true"), ("empty string", "\"\""), ("overlong string", "\"" + new string('x', 100_000) + "\""),
        ("[]", "[]"), ("{}", "{}"), ("null", "null"), ("\"NaN\"", "\"NaN\""), ("\"Infinity\"", "\"Infinity\""),
        ("malformed date", "\"2026-13-45T25:00:00Z\""), ("far date", "\"9999-12-31\""),
        ("3D point", "{\"type\":\"Point\",\"coordinates\":[110.447,34.867,500]}"),
        ("4D point", "{\"type\":\"Point\",\"coordinates\":[110.447,34.867,500,7]}"),
        ("3D line", "{\"type\":\"LineString\",\"coordinates\":[[110.44,34.867,500],[110.46,34.867,510]]}"),
        ("bare 3D position", "[110.447,34.867,500]"),
        ("empty property name", "{\"\":1}"), ("NUL property name", "{\"\\u0000\":1}"),
        ("array of NUL", "[\"\\u0000\"]"), ("nested NUL", "{\"a\":{\"b\":\"\\u0000\"}}"),
        ("number as string", "\"140881\""), ("huge array", "[" + string.Join(",", Enumerable.Repeat("1", 5000)) + "]"),
    ];

    /// <summary>Whole bodies that are not what any route expects.</summary>
    private static readonly (string Label, string Body)[] WholeBodies =
    [
        ("empty body", ""), ("truncated", "{"), ("null", "null"), ("array", "[]"), ("string", "\"\\u0000\""), ("number", "9223372036854775808"),
        ("garbage", "\u0001\u0002garbage"), ("invalid UTF-8", "{\"name\":\"\xff\"}"),
        ("deeply nested", new string('[', 5000) + new string(']', 5000)),
        ("deeply nested objects", string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000)),
        ("empty property names", "{\"\":\"\",\"\":null}"), ("NUL property", "{\"\\u0000\":\"\\u0000\"}"),
        ("empty FeatureCollection", "{\"type\":\"FeatureCollection\",\"features\":[]}"),
        ("feature with empty properties", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"\":\"\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.45,34.87,500]}}]}"),
        ("duplicate keys", "{\"name\":\"a\",\"name\":\"\\u0000\"}"),
    ];

    /// <summary>One request to send.</summary>
    private sealed record FuzzCase(string Method, string Route, string Path, string Label, Func<HttpContent?>? Content)
    {
        public HttpRequestMessage ToRequest(Uri baseAddress)
        {
            var uri = new Uri(baseAddress.ToString().TrimEnd('/') + Path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            return new HttpRequestMessage(new HttpMethod(Method), uri) { Content = Content?.Invoke() };
        }
    }

    private static IEnumerable<FuzzCase> Cases(JsonNode document, Arranged arranged)
    {
        var random = new Random(Seed);
        var schemas = document["components"]?["schemas"]?.AsObject();
        foreach (var (path, operations) in document["paths"]!.AsObject().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var (method, operationNode) in operations!.AsObject())
            {
                var operation = operationNode!.AsObject();
                var verb = method.ToUpperInvariant();
                var route = verb + " " + path;
                var parameters = operation["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
                var pathParameters = parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!).ToList();
                var queryParameters = parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToList();
                var jsonSchema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                var baseBody = jsonSchema is null ? null : BaseBody(jsonSchema, schemas, path, arranged);
                // A DELETE with a good path and a bad query would delete what the other cases need.
                var good = pathParameters.ToDictionary(p => p, p => verb == "DELETE" ? "999999" : GoodPathValue(path, p), StringComparer.Ordinal);
                string Fill(IReadOnlyDictionary<string, string> values) =>
                    PathParameter().Replace(path, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : Uri.EscapeDataString(good[m.Groups[1].Value]));
                var goodPath = Fill(new Dictionary<string, string>());
                Func<HttpContent?>? goodBody = baseBody is null ? null : () => JsonContent(baseBody.ToJsonString());

                // Each path parameter. A DELETE is not sent to a value that reads as an id (" 1", "+1"): it would delete a
                // real record, such as a seeded plan target that the reset does not restore.
                foreach (var name in pathParameters)
                {
                    foreach (var v in UrlValues.Take(6).Concat(Sample(random, UrlValues, 14))
                                 .Where(v => v.Encoded.Length > 0 && (verb != "DELETE" || !NamesAnId(v.Encoded))))
                    {
                        yield return new(verb, route, Fill(new Dictionary<string, string> { [name] = v.Encoded }), $"path {name}={v.Label}", goodBody);
                    }
                }

                // Each declared query parameter, the common ones (GET: one at a time, sampled), an unknown one.
                foreach (var name in queryParameters)
                {
                    foreach (var v in UrlValues.Take(6).Concat(Sample(random, UrlValues, 14)))
                    {
                        yield return new(verb, route, goodPath + "?" + name + "=" + v.Encoded, $"query {name}={v.Label}", goodBody);
                    }
                }

                if (verb == "GET")
                {
                    foreach (var v in UrlValues.Take(4).Concat(Sample(random, UrlValues, 6)))
                    {
                        var all = string.Join("&", CommonParameters.Select(n => n + "=" + v.Encoded));
                        yield return new(verb, route, goodPath + "?" + all, $"every common parameter={v.Label}", null);
                    }

                    foreach (var name in CommonParameters.Except(queryParameters, StringComparer.Ordinal))
                    {
                        foreach (var v in Sample(random, UrlValues, 1))
                        {
                            yield return new(verb, route, goodPath + "?" + name + "=" + v.Encoded, $"query {name}={v.Label}", null);
                        }
                    }
                }

                yield return new(verb, route, goodPath + "?%00=1&zz=%00", "parameter named NUL", goodBody);

                // Body: each field of the JSON body, then whole bodies.
                if (baseBody is not null)
                {
                    foreach (var field in FieldPaths(baseBody))
                    {
                        foreach (var (label, json) in JsonValues)
                        {
                            var text = WithField(baseBody, field, json);
                            yield return new(verb, route, goodPath, $"body {field}={label}", () => JsonContent(text));
                        }
                    }

                    foreach (var (label, json) in JsonValues.Where(v => v.Json.StartsWith('"')))
                    {
                        var extra = (JsonObject)baseBody.DeepClone();
                        extra["zzUnknown"] = "x";
                        var text = extra.ToJsonString().Replace("\"x\"", json, StringComparison.Ordinal);
                        yield return new(verb, route, goodPath, $"body unknown field={label}", () => JsonContent(text));
                    }
                }

                if (verb is "POST" or "PUT" or "PATCH")
                {
                    foreach (var (label, body) in WholeBodies)
                    {
                        yield return new(verb, route, goodPath, "whole body " + label, () => JsonContent(body));
                    }

                    foreach (var (label, content) in FormBodies(path, arranged))
                    {
                        yield return new(verb, route, goodPath, label, content);
                    }
                }
            }
        }
    }

    private static IEnumerable<T> Sample<T>(Random random, T[] values, int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return values[random.Next(values.Length)];
        }
    }

    private static StringContent JsonContent(string text) => new(text, Encoding.UTF8, "application/json");

    /// <summary>Form and multipart bodies: Open311 fields, photo and import uploads, each field with each bad text.</summary>
    private static IEnumerable<(string Label, Func<HttpContent?> Content)> FormBodies(string path, Arranged arranged)
    {
        var texts = new[] { "\0", "a\0b", "\u0001", "\ud800", "", new string('x', 20_000), "1e309", "-1", "NaN", "9223372036854775808" };
        if (path.StartsWith("/open311/v2/requests", StringComparison.Ordinal))
        {
            var good = Reports.ReportApi.Form(FacilityApi.Yongji);
            string[] fields = ["service_code", "description", "lat", "long", "address_string", "email", "phone", "first_name", "last_name", "device_id", "account_id", "media_url", "api_key", "attribute[problem]", "attribute[x]"];
            foreach (var field in fields)
            {
                foreach (var text in texts)
                {
                    var form = new Dictionary<string, string>(good) { [field] = text };
                    yield return ($"form {field}={Show(text)}", () => Form(form));
                }
            }

            yield return ("form with a NUL field name", () => Form(new Dictionary<string, string>(good) { ["\0"] = "x" }));
            yield return ("multipart media that is a 3-byte PNG", () => Multipart(good, "media", "x.png", [0x89, 0x50, 0x4E]));
        }
        else if (path == "/api/v1/photos")
        {
            yield return ("multipart garbage image", () => Multipart([], "file", "x.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0]));
            yield return ("multipart NUL field", () => Multipart(new Dictionary<string, string> { ["note"] = "\0" }, "file", "x.png", [1, 2, 3]));
        }
        else if (path.StartsWith("/api/v1/imports/facilities", StringComparison.Ordinal))
        {
            const string mapping = "{\"kind\":{\"value\":\"accessible_toilet\"},\"name\":\"name\",\"externalId\":\"id\",\"lon\":\"lon\",\"lat\":\"lat\"}";
            foreach (var text in texts)
            {
                var csv = "id,name,lon,lat\n1," + text.Replace("\n", "", StringComparison.Ordinal) + ",110.447,34.867\n" + text + ",x," + text + "," + text + "\n";
                yield return ($"import CSV cell={Show(text)}", () => Multipart(new Dictionary<string, string> { ["mapping"] = mapping, ["source"] = "fuzz" }, "file", "x.csv", Encoding.UTF8.GetBytes(csv)));
                yield return ($"import field source={Show(text)}", () => Multipart(new Dictionary<string, string> { ["mapping"] = mapping, ["source"] = text }, "file", "x.csv", Encoding.UTF8.GetBytes("id,name,lon,lat\n1,a,110.447,34.867\n")));
                yield return ($"import mapping value={Show(text)}", () => Multipart(new Dictionary<string, string> { ["mapping"] = mapping.Replace("\"name\",", "\"" + text.Replace("\"", "", StringComparison.Ordinal) + "\",", StringComparison.Ordinal), ["source"] = "fuzz" }, "file", "x.csv", Encoding.UTF8.GetBytes("id,name,lon,lat\n1,a,110.447,34.867\n")));
            }

            foreach (var (label, json) in JsonValues)
            {
                var geojson = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"g1\",\"name\":" + json + "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[110.447,34.867]}},"
                    + "{\"type\":\"Feature\",\"properties\":{\"id\":\"g2\",\"name\":\"ok\"},\"geometry\":" + (json.StartsWith('{') ? json : "{\"type\":\"Point\",\"coordinates\":[110.447,34.867,500]}") + "}]}";
                const string geoMapping = "{\"kind\":{\"value\":\"accessible_toilet\"},\"name\":\"name\",\"externalId\":\"id\"}";
                yield return ($"import GeoJSON property={label}", () => Multipart(new Dictionary<string, string> { ["mapping"] = geoMapping, ["source"] = "fuzz" }, "file", "x.geojson", Encoding.UTF8.GetBytes(geojson)));
            }
        }
        else if (path.StartsWith("/api/v1/districts/boundaries", StringComparison.Ordinal))
        {
            yield return ("boundary polygon with Z", () => JsonContent("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"140881001\",\"name\":\"城西街道\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[110.40,34.85,1],[110.45,34.85,1],[110.45,34.88,1],[110.40,34.85,1]]]}}]}"));
            yield return ("boundary code NUL", () => JsonContent("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"\\u0000\",\"name\":\"\\ud800\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[110.40,34.85],[110.45,34.85],[110.45,34.88],[110.40,34.85]]]}}]}"));
        }
    }

    private static FormUrlEncodedContent Form(Dictionary<string, string> fields) => new(fields);

    private static MultipartFormDataContent Multipart(Dictionary<string, string> fields, string fileField, string fileName, byte[] bytes)
    {
        var content = new MultipartFormDataContent();
        foreach (var (k, v) in fields)
        {
            content.Add(new StringContent(v), k);
        }

        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, fileField, fileName);
        return content;
    }

    /// <summary>Paths of the fields of <paramref name="body"/>: top-level ones, and one level into objects.</summary>
    private static IEnumerable<string> FieldPaths(JsonObject body)
    {
        foreach (var (name, value) in body)
        {
            yield return name;
            if (value is JsonObject inner && name is not ("geometry" or "location"))
            {
                foreach (var (innerName, _) in inner)
                {
                    yield return name + "." + innerName;
                }
            }
        }
    }

    private static string WithField(JsonObject baseBody, string field, string json)
    {
        const string marker = "\"__fuzz_value__\"";
        var body = (JsonObject)baseBody.DeepClone();
        var parts = field.Split('.');
        var target = parts.Length == 1 ? body : (JsonObject)body[parts[0]]!;
        target[parts[^1]] = "__fuzz_value__";
        return body.ToJsonString().Replace(marker, json, StringComparison.Ordinal);
    }

    /// <summary>A body that passes validation where the schema allows guessing one, so one bad field is the only fault.</summary>
    private static JsonObject BaseBody(JsonNode schema, JsonObject? schemas, string path, Arranged arranged)
    {
        if (path.StartsWith("/api/v1/facilities", StringComparison.Ordinal))
        {
            return FacilityApi.CurbRamp(FacilityApi.Yongji);
        }

        if (path.StartsWith("/api/v1/roads", StringComparison.Ordinal))
        {
            return Road();
        }

        if (path is "/api/v1/renovations/cases" or "/api/v1/renovations/cases/{id}")
        {
            return RenovationApi.Body("140881", arranged.InsideYongji, RenovationApi.IdNumber(sequence: 902));
        }

        var resolved = Resolve(schema, schemas);
        var body = new JsonObject();
        foreach (var (name, property) in resolved?["properties"]?.AsObject() ?? [])
        {
            body[name] = Example(name, Resolve(property!, schemas), schemas, 0);
        }

        return body;
    }

    private static JsonNode? Resolve(JsonNode schema, JsonObject? schemas) =>
        schema["$ref"] is { } reference && schemas is not null
            ? schemas[((string)reference!).Split('/')[^1]]
            : schema;

    private static JsonNode? Example(string name, JsonNode? schema, JsonObject? schemas, int depth)
    {
        switch (name)
        {
            case "geometry" or "location":
                return FacilityApi.Point(FacilityApi.Yongji);
            case "districtCode" or "district":
                return "140881";
            case "districtCodes" or "districtScopes":
                return new JsonArray("140881");
            case "crs":
                return "WGS84";
            case "kind":
                return "accessible_toilet";
            case "role":
                return Roles.Inspector;
            case "layers":
                return new JsonArray("facilities");
        }

        var types = schema?["type"] switch
        {
            JsonArray a => a.Select(t => (string?)t).ToArray(),
            JsonValue v => [(string?)v],
            _ => [],
        };
        if (types.Contains("integer") || schema?["format"]?.ToString() is "int32" or "int64")
        {
            return 1;
        }

        if (types.Contains("number"))
        {
            return 1.5;
        }

        if (types.Contains("boolean"))
        {
            return true;
        }

        if (types.Contains("array"))
        {
            return new JsonArray();
        }

        if (types.Contains("string") || depth > 2)
        {
            return "fuzz";
        }

        var resolved = schema is null ? null : Resolve(schema, schemas);
        if (resolved?["properties"] is JsonObject properties)
        {
            var o = new JsonObject();
            foreach (var (n, p) in properties)
            {
                o[n] = Example(n, Resolve(p!, schemas), schemas, depth + 1);
            }

            return o;
        }

        return "fuzz";
    }

    private static string GoodPathValue(string path, string name) => name switch
    {
        "code" when path.StartsWith("/open311", StringComparison.Ordinal) => "curb_ramp",
        "code" or "districtCode" or "district" => "140881",
        "year" => "2026",
        "layer" when path.StartsWith("/tiles", StringComparison.Ordinal) => "facilities",
        "layer" => "facilities",
        "format" when path.StartsWith("/open311", StringComparison.Ordinal) => "json",
        "format" => "geojson",
        "z" => "12",
        "x" => "3304",
        "y" => "1623",
        "collectionId" => "facilities",
        "kind" => "curb_ramp",
        _ => "1",
    };

    private static bool NamesAnId(string encoded) =>
        long.TryParse(Uri.UnescapeDataString(encoded), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id > 0;

    private static string Template(string raw)
    {
        // A group's "/" route is "/api/v1/facilities/"; the document names it without the slash.
        var template = RouteConstraint().Replace(raw, "{$1}");
        return template.Length > 1 ? template.TrimEnd('/') : template;
    }

    private static string Show(string value)
    {
        var shown = value.Length > 40 ? value[..12] + $"…({value.Length} chars)" : value;
        var sb = new StringBuilder();
        foreach (var ch in shown)
        {
            sb.Append(ch < ' ' || char.IsSurrogate(ch) ? $"\\u{(int)ch:x4}" : ch.ToString());
        }

        return "\"" + sb + "\"";
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\??\}")]
    private static partial Regex RouteConstraint();
}
