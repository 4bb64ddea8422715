using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Geo;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Imports;

/// <summary>Coordinate systems and geometry columns of CSV imports, and uploads too large to take.</summary>
[Collection(RegistryCollection.Name)]
public sealed class FacilityImportInputTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string csv, string mapping)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "rows.csv" },
            { new StringContent(mapping), "mapping" },
        };
        using var response = await client.PostAsync(Url("/api/v1/imports/facilities"), form);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Gcj02_lon_lat_columns_are_converted_and_a_wkt_column_is_read()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        var (gcjLon, gcjLat) = ChinaCoordinates.Wgs84ToGcj02(Yongji.Lon, Yongji.Lat);
        var csv = FormattableString.Invariant($"id;name;lng;lat\ng1;高德坐标的厕所;{gcjLon:0.0000000};{gcjLat:0.0000000}\n");
        var (status, body) = await PostAsync(admin, csv,
            """{ "format": "csv", "delimiter": ";", "crs": "GCJ-02", "geometry": { "lon": "lng", "lat": "lat" }, "externalId": "id", "name": "name", "kind": { "default": "accessible_toilet" } }""");
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.True(await registry.ScalarAsync<bool>(
            FormattableString.Invariant($"SELECT ST_DWithin(geometry, ST_SetSRID(ST_MakePoint({Yongji.Lon}, {Yongji.Lat}), 4490), 0.00001) FROM facilities WHERE external_id = 'g1'")));

        const string wkt = """
            code,title,shape
            w1,盲道,"LINESTRING(110.447 34.867, 110.449 34.867)"
            w2,坏的,"LINESTRING(110.447 34.867"
            """;
        (status, body) = await PostAsync(admin, wkt,
            """{ "geometry": { "wkt": "shape" }, "externalId": "code", "name": "title", "kind": { "default": "tactile_paving" }, "source": "wkt" }""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var rejected = JsonNode.Parse(body)!["rejected"]!.AsArray();
        Assert.Contains(rejected, r => (int)r!["row"]! == 3 && (string?)r["field"] == "shape");
        Assert.DoesNotContain(rejected, r => (int)r!["row"]! == 2 && (string?)r["field"] == "shape");
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE source = 'wkt'"));
    }

    [Fact]
    public async Task A_2_gb_upload_is_refused_with_413_before_its_body_is_read()
    {
        using var admin = await registry.CreateUserClientAsync("district-admin", "140881");
        admin.DefaultRequestHeaders.ExpectContinue = true;
        using var content = new DeclaredLengthContent(2L * 1024 * 1024 * 1024);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        using var response = await admin.PostAsync(Url("/api/v1/imports/facilities"), content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities"));
    }

    /// <summary>A body that claims <paramref name="length"/> bytes (zeros); sent only if the server asks for it.</summary>
    private sealed class DeclaredLengthContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[1 << 20];
            for (long sent = 0; sent < length; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, length - sent)));
            }
        }

        protected override bool TryComputeLength(out long result)
        {
            result = length;
            return true;
        }
    }
}
