using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Tests.Renovations;

[Collection(RegistryCollection.Name)]
public sealed class RenovationExportTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_csv_quotes_separators_and_defuses_formulas()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var body = RenovationApi.Body("140881", at, RenovationApi.IdNumber(sequence: 931));
        body["address"] = "-1号楼, \"东\"门";
        await RenovationApi.CreateAsync(planner, body);

        var csv = await planner.GetStringAsync("/api/v1/renovations/cases.csv?district=140881");
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,district_code,township_code,status,", lines[0], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
        // A spreadsheet would run "-1…" as a formula: an apostrophe comes first; the comma and quotes are quoted (RFC 4180).
        Assert.Contains(",\"'-1号楼, \"\"东\"\"门\",", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_district_exports_the_header_alone()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var csv = await planner.GetStringAsync("/api/v1/renovations/cases.csv?district=140881&status=accepted");
        Assert.Equal(
            "id,district_code,township_code,status,status_changed_at,person_name,id_number_last4,phone_last4,disability_category,disability_grade,eligibility,lives_alone,address,identified_on,barriers,items,cost_estimate,subsidy,own_contribution,final_cost,contractor,approved_at,contracted_at,completed_at,accepted_at,satisfaction,closing_reason,source",
            csv.TrimStart('\uFEFF').TrimEnd('\r', '\n'));
    }
}
