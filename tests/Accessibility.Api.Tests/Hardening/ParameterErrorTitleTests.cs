using System.Net;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Hardening;

/// <summary>
/// A bad query parameter or path value is titled as one, naming it under <c>errors</c>; only a body that cannot be
/// read is titled as a body error.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ParameterErrorTitleTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("/tiles/facilities/3/99/1.mvt", "Invalid path value", "x")]
    [InlineData("/tiles/facilities/abc/1/1.mvt", "Invalid path value", "z")]
    [InlineData("/api/v1/facilities?limit=abc", "Invalid query parameter", "limit")]
    public async Task A_bad_path_value_or_query_parameter_is_titled_as_one_and_named(string url, string title, string name)
    {
        using var anonymous = registry.CreateClient();
        using var response = await anonymous.GetAsync(Url(url));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadObjectAsync();
        Assert.Equal(title, (string?)problem["title"]);
        Assert.NotNull(problem["errors"]?[name]);
        Assert.Contains(name, (string?)problem["detail"] ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_cannot_be_read_is_still_titled_as_a_body_error()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var ramp = CurbRamp(Yongji).ToJsonString();
        using var response = await admin.PostAsync(Url("/api/v1/facilities"), Json(ramp.Replace("\"name\":\"", "\"name\":\"a\\u0000", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadObjectAsync();
        Assert.Equal("The request body cannot be read.", (string?)problem["title"]);
        Assert.NotNull(problem["errors"]?["name"]);
    }
}
