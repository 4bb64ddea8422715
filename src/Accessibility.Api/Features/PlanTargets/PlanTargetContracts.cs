namespace Accessibility.Api.Features.PlanTargets;

/// <summary>A plan target as written by clients.</summary>
/// <param name="DistrictCode">District whose plan sets the target.</param>
/// <param name="Indicator">Machine name, e.g. household_renovations.</param>
/// <param name="Title">Wording in the plan.</param>
/// <param name="Kind">count or ratio.</param>
/// <param name="Value">Count, or ratio in [0, 1].</param>
/// <param name="Comparator">&gt;=, &gt;, =, &lt;=, &lt; (default &gt;=).</param>
/// <param name="Unit">Unit as printed, e.g. 户 or %.</param>
/// <param name="PeriodStart">First year.</param>
/// <param name="PeriodEnd">Last year.</param>
/// <param name="Binding">Binding (约束性) or expected (预期性).</param>
/// <param name="SourceDocument">Plan document.</param>
/// <param name="SourceTable">Table or section.</param>
/// <param name="Note">Free text.</param>
/// <param name="Version">Version read, for updates (or If-Match).</param>
/// <param name="ValidFrom">
/// When the plan adopted (or changed) the target, when entered later (a date, yyyy-MM-dd China Standard Time, or an
/// instant): the targets in force as of a date take it (docs/history.md); default now.
/// </param>
public sealed record PlanTargetRequest(
    string? DistrictCode, string? Indicator, string? Title, PlanTargetKind? Kind, decimal? Value, string? Comparator, string? Unit,
    int? PeriodStart, int? PeriodEnd, bool? Binding, string? SourceDocument, string? SourceTable, string? Note, long? Version,
    string? ValidFrom = null)
{
    internal void ApplyTo(PlanTarget t)
    {
        t.Kind = Kind!.Value;
        t.Value = Value!.Value;
        t.Comparator = Comparator ?? ">=";
        t.Unit = Unit;
        t.PeriodStart = PeriodStart!.Value;
        t.PeriodEnd = PeriodEnd!.Value;
        t.Binding = Binding!.Value;
        t.SourceTable = SourceTable;
        t.Note = Note;
    }
}

/// <summary>A plan target.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="DistrictCode">District whose plan sets the target.</param>
/// <param name="Indicator">Machine name.</param>
/// <param name="Title">Wording in the plan.</param>
/// <param name="Kind">count or ratio.</param>
/// <param name="Value">Count, or ratio in [0, 1].</param>
/// <param name="Comparator">How the value is compared.</param>
/// <param name="Unit">Unit as printed.</param>
/// <param name="PeriodStart">First year.</param>
/// <param name="PeriodEnd">Last year.</param>
/// <param name="Binding">Binding (约束性) or expected (预期性).</param>
/// <param name="SourceDocument">Plan document.</param>
/// <param name="SourceTable">Table or section.</param>
/// <param name="Note">Free text.</param>
/// <param name="Version">Version for optimistic concurrency.</param>
public sealed record PlanTargetResponse(
    long Id, string DistrictCode, string Indicator, string Title, PlanTargetKind Kind, decimal Value, string Comparator, string? Unit,
    int PeriodStart, int PeriodEnd, bool Binding, string SourceDocument, string? SourceTable, string? Note, long Version)
{
    internal static PlanTargetResponse From(PlanTarget t) => new(
        t.Id, t.DistrictCode, t.Indicator, t.Title, t.Kind, t.Value, t.Comparator, t.Unit, t.PeriodStart, t.PeriodEnd, t.Binding,
        t.SourceDocument, t.SourceTable, t.Note, t.Version);
}

/// <summary>A list of plan targets.</summary>
/// <param name="Items">The targets.</param>
public sealed record PlanTargetList(IReadOnlyList<PlanTargetResponse> Items);
