using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Inspections.InspectionApi;

namespace Accessibility.Api.Tests.Inspections;

[Collection(RegistryCollection.Name)]
public sealed class PublicViewTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_public_sees_inspections_and_defects_without_the_names_of_staff()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var ramp = await CreateRampAsync(inspector);
        var (_, submitted, _) = await SubmitAsync(inspector, Inspection(ramp, RecentTime(), Answer("slope", "1:10", "ratio")));
        var inspectionId = (long)submitted["id"]!;
        var defectId = (long)submitted["defects"]![0]!["id"]!;

        var staffView = await GetObjectAsync(inspector, $"/api/v1/inspections/{inspectionId}");
        Assert.StartsWith("inspector-", (string)staffView["inspector"]!["name"]!, StringComparison.Ordinal);

        using var anonymous = registry.CreateClient();
        var inspection = await GetObjectAsync(anonymous, $"/api/v1/inspections/{inspectionId}");
        Assert.Null(inspection["inspector"]);
        Assert.Equal("fail", (string)inspection["result"]!);
        var list = await GetObjectAsync(anonymous, $"/api/v1/inspections?facility={ramp}");
        Assert.All(list["inspections"]!.AsArray(), i => Assert.Null(i!["inspector"]));

        var defect = await GetObjectAsync(anonymous, $"/api/v1/defects/{defectId}");
        Assert.NotEmpty(defect["history"]!.AsArray());
        Assert.All(defect["history"]!.AsArray(), e => Assert.Null(e!["actor"]));
        var defects = await GetObjectAsync(anonymous, "/api/v1/defects?district=140881");
        Assert.DoesNotContain("inspector-", defects.ToJsonString(), StringComparison.Ordinal);
    }
}
