using System.Net;
using System.Net.Http.Json;
using System.Text;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Renovations;

namespace Accessibility.Api.Tests.Renovations;

[Collection(RegistryCollection.Name)]
public sealed class RenovationPrivacyTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_raw_columns_hold_no_plain_ID_or_phone_number()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var id = RenovationApi.IdNumber(sequence: 911);
        var c = await RenovationApi.CreateAsync(planner, RenovationApi.Body("140881", at, id, phone: "13912345678"));

        // Read the table directly: the whole row as text, and the cipher as bytes.
        var row = await registry.ScalarAsync<string>("SELECT row_to_json(c)::text FROM renovation_cases c WHERE id = $1", c.Id);
        Assert.DoesNotContain(id, row, StringComparison.Ordinal);
        Assert.DoesNotContain(id[..17], row, StringComparison.Ordinal);
        Assert.DoesNotContain("13912345678", row, StringComparison.Ordinal);
        var cipher = await registry.ScalarAsync<byte[]>("SELECT id_number_cipher FROM renovation_cases WHERE id = $1", c.Id);
        Assert.True(cipher!.Length >= 1 + 12 + 18 + 16);
        Assert.DoesNotContain(id[..6], Encoding.Latin1.GetString(cipher), StringComparison.Ordinal);
        var hash = await registry.ScalarAsync<byte[]>("SELECT id_number_hash FROM renovation_cases WHERE id = $1", c.Id);
        Assert.NotEqual(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id)), hash); // keyed, not a bare hash

        // The audit log keeps masked forms only.
        var audit = await registry.ScalarAsync<string>("SELECT string_agg(coalesce(after::text, ''), ' ') FROM audit_entries WHERE entity_type = 'renovation_case'");
        Assert.DoesNotContain(id, audit, StringComparison.Ordinal);
        Assert.DoesNotContain("13912345678", audit, StringComparison.Ordinal);

        // The API decrypts for the planner of the district.
        var detail = await planner.GetFromJsonAsync<RenovationCaseDetail>($"/api/v1/renovations/cases/{c.Id}", ApiJson.Options);
        Assert.Equal(id, detail!.IdNumber);
        Assert.Equal("13912345678", detail.Phone);
    }

    [Fact]
    public async Task Lists_mask_to_the_last_4_and_detail_reads_and_exports_are_audited()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var id = RenovationApi.IdNumber(sequence: 912);
        var c = await RenovationApi.CreateAsync(planner, RenovationApi.Body("140881", at, id, phone: "13700001234"));

        var listText = await planner.GetStringAsync("/api/v1/renovations/cases?district=140881");
        Assert.DoesNotContain(id, listText, StringComparison.Ordinal);
        Assert.DoesNotContain("13700001234", listText, StringComparison.Ordinal);
        var list = System.Text.Json.JsonSerializer.Deserialize<RenovationCaseList>(listText, ApiJson.Options)!;
        var item = Assert.Single(list.Items);
        Assert.Equal(new string('*', 14) + id[^4..], item.IdNumberMasked);
        Assert.Equal(new string('*', 7) + "1234", item.PhoneMasked);

        var reads = await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'read' AND entity_id = $1", c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0L, reads);
        await planner.GetStringAsync($"/api/v1/renovations/cases/{c.Id}");
        await planner.GetStringAsync($"/api/v1/renovations/cases/{c.Id}");
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'read' AND entity_id = $1", c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var csv = await planner.GetStringAsync("/api/v1/renovations/cases.csv?district=140881");
        Assert.Contains("测试王某", csv, StringComparison.Ordinal);
        Assert.Contains(new string('*', 14) + id[^4..], csv, StringComparison.Ordinal);
        Assert.DoesNotContain(id, csv, StringComparison.Ordinal);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'export' AND entity_id = '140881'"));
    }

    [Fact]
    public async Task Only_planners_and_administrators_of_the_district_see_households()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var c = await RenovationApi.CreateAsync(planner, RenovationApi.Body("140881", at, RenovationApi.IdNumber(sequence: 913)));

        using var otherPlanner = await registry.CreateUserClientAsync(Roles.Planner, "410307");
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        using var sysadmin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        using var anonymous = registry.CreateClient();
        using var provinceAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140000");

        Assert.Equal(HttpStatusCode.NotFound, (await otherPlanner.GetAsync(new Uri($"/api/v1/renovations/cases/{c.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherPlanner.GetAsync(new Uri("/api/v1/renovations/cases?district=140881", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherPlanner.GetAsync(new Uri("/api/v1/renovations/map?district=140881", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.GetAsync(new Uri($"/api/v1/renovations/cases/{c.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sysadmin.GetAsync(new Uri("/api/v1/renovations/cases?district=140881", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/v1/renovations/map?district=140881", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/v1/renovations/cases.csv?district=140881", UriKind.Relative))).StatusCode);

        // The province's federation covers Yongji.
        Assert.Equal(HttpStatusCode.OK, (await provinceAdmin.GetAsync(new Uri($"/api/v1/renovations/cases/{c.Id}", UriKind.Relative))).StatusCode);
        var map = await planner.GetStringAsync("/api/v1/renovations/map?district=140881");
        Assert.Contains("测试王某", map, StringComparison.Ordinal);
    }

    [Fact]
    public void Aes_gcm_round_trips_and_refuses_a_cipher_moved_to_another_field()
    {
        var protector = new PersonalDataProtector(new byte[32]);
        var cipher = protector.Encrypt("13812345678", "phone");
        Assert.Equal("13812345678", protector.Decrypt(cipher, "phone"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Decrypt(cipher, "id_number"));
        Assert.NotEqual(cipher, protector.Encrypt("13812345678", "phone")); // fresh nonce each time
        Assert.Equal(protector.Hash("X"), new PersonalDataProtector(new byte[32]).Hash("X"));
        Assert.NotEqual(protector.Hash("X"), new PersonalDataProtector(Enumerable.Repeat((byte)1, 32).ToArray()).Hash("X"));
    }

    [Theory]
    [InlineData("11010519491231002X", true)] // the standard's own example
    [InlineData("110105194912310021", false)]
    [InlineData("11010519491331002X", false)]
    [InlineData("1101051949123100", false)]
    public void Gb_11643_check_character_and_birth_date(string id, bool valid) =>
        Assert.Equal(valid, ChineseIdNumber.Problem(id, new DateOnly(2026, 1, 1), out _) is null);
}
