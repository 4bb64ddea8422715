using System.Text.Json;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Features.Defects;

/// <summary>One step of a defect's history as the API shows it.</summary>
/// <param name="At">When.</param>
/// <param name="Actor">Who (staff allowed to read personal data only).</param>
/// <param name="From">Status before.</param>
/// <param name="To">Status after.</param>
/// <param name="Note">Note, evidence or reason.</param>
/// <param name="PhotoIds">Evidence photos.</param>
/// <param name="InspectionId">The inspection that caused it (found, verified, reopened).</param>
public sealed record DefectHistoryView(DateTimeOffset At, string? Actor, string? From, string To, string? Note, Guid[]? PhotoIds, long? InspectionId);

/// <summary>A defect as the API shows it (<see cref="DefectSql.DefectJson"/>), for pages.</summary>
/// <param name="Id">Id.</param>
/// <param name="FacilityId">Facility.</param>
/// <param name="FacilityName">Its name.</param>
/// <param name="FacilityKind">Its kind.</param>
/// <param name="DistrictCode">District.</param>
/// <param name="InspectionId">Inspection that found it.</param>
/// <param name="Item">Checklist item.</param>
/// <param name="Severity">Severity.</param>
/// <param name="Status">Status.</param>
/// <param name="DueAt">Due.</param>
/// <param name="Overdue">Open or assigned past its due date.</param>
/// <param name="ManagingUnit">Managing unit.</param>
/// <param name="CreatedAt">Found.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="ClosedAt">Verified or rejected.</param>
/// <param name="History">History, oldest first.</param>
public sealed record DefectView(
    long Id, long FacilityId, string? FacilityName, string? FacilityKind, string DistrictCode, long? InspectionId, string Item, string Severity,
    string Status, DateTimeOffset DueAt, bool Overdue, string? ManagingUnit, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ClosedAt,
    IReadOnlyList<DefectHistoryView> History)
{
    /// <summary>
    /// The outcome of the verification: the re-inspection that last changed a fixed defect (verified, or reopened when it
    /// still failed), or null when none has yet.
    /// </summary>
    public DefectHistoryView? Verification => History.LastOrDefault(h => h.From == DefectStatuses.Fixed && h.InspectionId is not null);
}

/// <summary>A page of defects.</summary>
/// <param name="Defects">The defects, most urgent first.</param>
/// <param name="Total">How many match.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Offset">Offset.</param>
public sealed record DefectPage(IReadOnlyList<DefectView> Defects, int Total, int Limit, int Offset);

/// <summary>
/// Reading defects: the board's list (filters, most urgent first), one defect with its history, the district figures.
/// Every read goes through the rule table: lists by <see cref="ReadScope"/>, one defect by its district (and unit).
/// </summary>
public sealed class DefectBoard(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Whether staff who acted on defects are named (rule table, read-personal; the SQL leaves them out otherwise).</summary>
    public static bool StaffNames(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return AccessRules.Allows(http.User, Operations.ReadPersonal.Name, new RegistryResource(ResourceKinds.Defect, null));
    }

    /// <summary>
    /// A page of defects as the API's JSON: <c>{"defects":[…],"total","limit","offset"}</c>, in the caller's read scope, or in
    /// the filter's scope when it names one (a staff board narrows the public list to the districts the caller works in).
    /// </summary>
    public async Task<string> ListJsonAsync(HttpContext http, DefectFilter filter, int limit, int offset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await DefectSql.ListAsync(connection, filter with { Scope = filter.Scope ?? ReadScope.For(http, ResourceKinds.Defect, Operations.Read) }, limit, offset, StaffNames(http), ct);
    }

    /// <summary>A page of defects, for pages.</summary>
    public async Task<DefectPage> ListAsync(HttpContext http, DefectFilter filter, int limit, int offset, CancellationToken ct) =>
        JsonSerializer.Deserialize<DefectPage>(await ListJsonAsync(http, filter, limit, offset, ct), Web)!;

    /// <summary>
    /// The defects assigned to the caller's managing unit (<see cref="RegistryClaims.ManagingUnit"/>) in the caller's
    /// districts, most urgent first; nothing for an account without a unit.
    /// </summary>
    public async Task<DefectPage> AssignedToCallerAsync(HttpContext http, string? status, int limit, int offset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (UserPrincipal.ManagingUnit(http.User) is not { } unit)
        {
            return new DefectPage([], 0, limit, offset);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var filter = new DefectFilter(null, status, null, unit, null, null, ReadScope.Of(AccessRules.Districts(http.User)));
        return JsonSerializer.Deserialize<DefectPage>(await DefectSql.ListAsync(connection, filter, limit, offset, StaffNames(http), ct), Web)!;
    }

    /// <summary>One defect as the API's JSON, with its history: 404, or 403 when the caller may not read it.</summary>
    public async Task<StepOutcome<string>> GetJsonAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await DefectSql.ByIdAsync(connection, id, StaffNames(http), ct) is not { } stored)
        {
            return StepOutcome<string>.Refused(WriteResults.NotFound(id));
        }

        return await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.Defect, stored.DistrictCode)) is { } denied
            ? StepOutcome<string>.Refused(denied)
            : StepOutcome<string>.Applied(stored.Json);
    }

    /// <summary>One defect, for pages.</summary>
    public async Task<StepOutcome<DefectView>> GetAsync(HttpContext http, long id, CancellationToken ct)
    {
        var json = await GetJsonAsync(http, id, ct);
        return json.Succeeded
            ? StepOutcome<DefectView>.Applied(JsonSerializer.Deserialize<DefectView>(json.Value!, Web)!)
            : StepOutcome<DefectView>.Refused(TypedResults.Problem(json.Problem!));
    }

    /// <summary>The district figures as the API's JSON (open, overdue, by status, severity and managing unit, median days to repair); with <paramref name="asOf"/>, as they stood then.</summary>
    public async Task<string> StatsJsonAsync(HttpContext http, string? districtPrefix, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await DefectSql.StatsAsync(connection, districtPrefix, ct, ReadScope.For(http, ResourceKinds.Defect, Operations.Read), asOf);
    }
}
