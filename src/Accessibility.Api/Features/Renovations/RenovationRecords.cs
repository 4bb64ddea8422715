using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Renovations;

/// <summary>A renovation case as written by clients (create, or replace on update).</summary>
/// <param name="DistrictCode">County-level district of the household; the location must lie inside it.</param>
/// <param name="PersonName">Name of the person with a disability.</param>
/// <param name="IdNumber">ID number (GB 11643, 18 characters); on update, null keeps the stored one.</param>
/// <param name="Phone">Phone number; on update, null keeps the stored one, "" removes it.</param>
/// <param name="DisabilityCategory">physical, visual, hearing, speech, intellectual, mental or multiple.</param>
/// <param name="DisabilityGrade">1 (一级) or 2 (二级): only severe disability is eligible.</param>
/// <param name="MobilityAids">Mobility aids used.</param>
/// <param name="Eligibility">dibao (低保), extreme_poverty (特困), low_income (低收入) or other.</param>
/// <param name="LivesAlone">Whether the person lives alone.</param>
/// <param name="Address">Address.</param>
/// <param name="Location">GeoJSON Point of the home.</param>
/// <param name="Crs">WGS84 (default), CGCS2000, GCJ02 or BD09.</param>
/// <param name="IdentifiedOn">Date identified (default today).</param>
/// <param name="Barriers">Barriers found by the needs assessment (codes of /api/v1/renovations/items).</param>
/// <param name="AssessmentNote">Notes of the assessment.</param>
/// <param name="Items">Chosen items.</param>
/// <param name="CostEstimate">Estimated cost, yuan, ≥ 0.</param>
/// <param name="Subsidy">Subsidy, yuan, ≥ 0.</param>
/// <param name="OwnContribution">Own contribution, yuan, ≥ 0.</param>
/// <param name="FinalCost">Final cost, yuan, ≥ 0.</param>
/// <param name="Contractor">Contractor.</param>
/// <param name="PhotosBefore">Photo ids before the works.</param>
/// <param name="PhotosAfter">Photo ids after the works.</param>
/// <param name="AcceptanceNote">Result of the acceptance check.</param>
/// <param name="Source">manual (default), or an importer's name.</param>
/// <param name="Version">On update, the version read (or If-Match).</param>
public sealed record RenovationCaseRequest(
    string? DistrictCode, string? PersonName, string? IdNumber, string? Phone, string? DisabilityCategory, int? DisabilityGrade,
    List<string>? MobilityAids, string? Eligibility, bool? LivesAlone, string? Address, JsonObject? Location, string? Crs, DateOnly? IdentifiedOn,
    List<string>? Barriers, string? AssessmentNote, List<ChosenItem>? Items, decimal? CostEstimate, decimal? Subsidy, decimal? OwnContribution,
    decimal? FinalCost, string? Contractor, List<Guid>? PhotosBefore, List<Guid>? PhotosAfter, string? AcceptanceNote, string? Source, long? Version);

/// <summary>A chosen renovation item.</summary>
/// <param name="Code">Item code.</param>
/// <param name="Quantity">How many units (≥ 1).</param>
/// <param name="UnitCost">Unit cost agreed, yuan (default: the catalogue's).</param>
public sealed record ChosenItem(string? Code, int? Quantity, decimal? UnitCost);

/// <summary>A workflow step asked for.</summary>
/// <param name="To">Status to move to.</param>
/// <param name="Reason">Reason (required for rejected and withdrawn) or note.</param>
/// <param name="Contractor">Contractor (contracted), if not on the case yet.</param>
/// <param name="FinalCost">Final cost (completed), if not on the case yet.</param>
/// <param name="AcceptanceNote">Result of the acceptance check (accepted).</param>
/// <param name="Satisfaction">Satisfaction 1–5 (followed_up).</param>
/// <param name="SatisfactionComment">Comment of the follow-up.</param>
/// <param name="ValidFrom">
/// When the step happened, when it is recorded later (a date, yyyy-MM-dd China Standard Time, or an instant): e.g. the
/// day of the acceptance visit. The step's date and the as-of figures take it; default now.
/// </param>
public sealed record TransitionRequest(
    string? To, string? Reason, string? Contractor, decimal? FinalCost, string? AcceptanceNote, int? Satisfaction, string? SatisfactionComment,
    string? ValidFrom = null);

/// <summary>A case in a list: ID and phone masked to their last 4 characters.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="DistrictCode">District.</param>
/// <param name="TownshipCode">Township.</param>
/// <param name="Status">Status.</param>
/// <param name="StatusChangedAt">When the status was reached.</param>
/// <param name="PersonName">Name.</param>
/// <param name="IdNumberMasked">ID number, last 4 only.</param>
/// <param name="PhoneMasked">Phone, last 4 only.</param>
/// <param name="DisabilityCategory">Category.</param>
/// <param name="DisabilityGrade">Grade.</param>
/// <param name="Eligibility">Eligibility.</param>
/// <param name="IdentifiedOn">Date identified.</param>
/// <param name="CostEstimate">Estimated cost.</param>
/// <param name="Subsidy">Subsidy.</param>
/// <param name="Source">manual or demo.</param>
public sealed record RenovationCaseSummary(
    long Id, string DistrictCode, string? TownshipCode, string Status, DateTimeOffset StatusChangedAt, string PersonName, string IdNumberMasked,
    string PhoneMasked, string DisabilityCategory, int DisabilityGrade, string Eligibility, DateOnly IdentifiedOn, decimal? CostEstimate, decimal? Subsidy, string Source);

/// <summary>A page of cases.</summary>
/// <param name="Items">Cases.</param>
/// <param name="Total">Cases matching.</param>
public sealed record RenovationCaseList(IReadOnlyList<RenovationCaseSummary> Items, int Total);

/// <summary>A case with everything (read audited).</summary>
public sealed record RenovationCaseDetail
{
    /// <summary>Identifier.</summary>
    public long Id { get; init; }

    /// <summary>District.</summary>
    public required string DistrictCode { get; init; }

    /// <summary>Township.</summary>
    public string? TownshipCode { get; init; }

    /// <summary>Status.</summary>
    public required string Status { get; init; }

    /// <summary>When the status was reached.</summary>
    public DateTimeOffset StatusChangedAt { get; init; }

    /// <summary>Name.</summary>
    public required string PersonName { get; init; }

    /// <summary>ID number in full.</summary>
    public required string IdNumber { get; init; }

    /// <summary>Phone in full.</summary>
    public string? Phone { get; init; }

    /// <summary>Year of birth.</summary>
    public int BirthYear { get; init; }

    /// <summary>Category.</summary>
    public required string DisabilityCategory { get; init; }

    /// <summary>Grade.</summary>
    public int DisabilityGrade { get; init; }

    /// <summary>Mobility aids.</summary>
    public required IReadOnlyList<string> MobilityAids { get; init; }

    /// <summary>Eligibility.</summary>
    public required string Eligibility { get; init; }

    /// <summary>Lives alone.</summary>
    public bool LivesAlone { get; init; }

    /// <summary>Address.</summary>
    public required string Address { get; init; }

    /// <summary>Location, [longitude, latitude] (CGCS2000 ≈ WGS84).</summary>
    public required double[] Location { get; init; }

    /// <summary>Barriers.</summary>
    public required IReadOnlyList<string> Barriers { get; init; }

    /// <summary>Assessment note.</summary>
    public string? AssessmentNote { get; init; }

    /// <summary>Chosen items.</summary>
    public required JsonArray Items { get; init; }

    /// <summary>Items suggested from the barriers and category.</summary>
    public required IReadOnlyList<ItemSuggestion> SuggestedItems { get; init; }

    /// <summary>Estimated cost.</summary>
    public decimal? CostEstimate { get; init; }

    /// <summary>Subsidy.</summary>
    public decimal? Subsidy { get; init; }

    /// <summary>Own contribution.</summary>
    public decimal? OwnContribution { get; init; }

    /// <summary>Final cost.</summary>
    public decimal? FinalCost { get; init; }

    /// <summary>Contractor.</summary>
    public string? Contractor { get; init; }

    /// <summary>Photos before.</summary>
    public required IReadOnlyList<Guid> PhotosBefore { get; init; }

    /// <summary>Photos after.</summary>
    public required IReadOnlyList<Guid> PhotosAfter { get; init; }

    /// <summary>Acceptance note.</summary>
    public string? AcceptanceNote { get; init; }

    /// <summary>Satisfaction 1–5.</summary>
    public int? Satisfaction { get; init; }

    /// <summary>Satisfaction comment.</summary>
    public string? SatisfactionComment { get; init; }

    /// <summary>Reason of rejection or withdrawal.</summary>
    public string? ClosingReason { get; init; }

    /// <summary>Date identified.</summary>
    public DateOnly IdentifiedOn { get; init; }

    /// <summary>Approved.</summary>
    public DateTimeOffset? ApprovedAt { get; init; }

    /// <summary>Contracted.</summary>
    public DateTimeOffset? ContractedAt { get; init; }

    /// <summary>Completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Accepted.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>Source.</summary>
    public required string Source { get; init; }

    /// <summary>Version.</summary>
    public long Version { get; init; }

    /// <summary>Transitions so far.</summary>
    public required IReadOnlyList<RenovationEventResponse> Events { get; init; }

    /// <summary>Steps the caller may take now.</summary>
    public required IReadOnlyList<string> NextSteps { get; init; }
}

/// <summary>A transition.</summary>
/// <param name="From">Status before.</param>
/// <param name="To">Status after.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Role">As which role.</param>
/// <param name="Note">Reason or note.</param>
public sealed record RenovationEventResponse(string? From, string To, DateTimeOffset At, string Actor, string Role, string? Note);

/// <summary>The workflow, for clients.</summary>
/// <param name="Statuses">Statuses in order.</param>
/// <param name="Transitions">Allowed steps with their roles.</param>
public sealed record WorkflowResponse(IReadOnlyList<string> Statuses, IReadOnlyList<Transition> Transitions);

/// <summary>A waiting household with its score.</summary>
/// <param name="Id">Case id.</param>
/// <param name="PersonName">Name.</param>
/// <param name="IdNumberMasked">ID, last 4.</param>
/// <param name="Status">identified or assessed.</param>
/// <param name="TownshipCode">Township.</param>
/// <param name="Score">Total points.</param>
/// <param name="Terms">Points term by term.</param>
public sealed record PriorityEntry(long Id, string PersonName, string IdNumberMasked, string Status, string? TownshipCode, decimal Score, IReadOnlyList<ScoreTerm> Terms);

/// <summary>The priority list of a district.</summary>
/// <param name="DistrictCode">District.</param>
/// <param name="AsOf">Date the waiting days are counted to.</param>
/// <param name="Weights">Weights used.</param>
/// <param name="Items">Waiting households, highest score first.</param>
public sealed record PriorityList(string DistrictCode, DateOnly AsOf, IReadOnlyDictionary<string, decimal> Weights, IReadOnlyList<PriorityEntry> Items);

/// <summary>A district's renovation settings.</summary>
/// <param name="DistrictCode">District.</param>
/// <param name="Weights">Priority weights by term.</param>
/// <param name="EligibleHouseholds">Eligible households, or null.</param>
/// <param name="Version">Version (0 when never saved).</param>
public sealed record RenovationSettingsResponse(string DistrictCode, IReadOnlyDictionary<string, decimal> Weights, int? EligibleHouseholds, long Version);

/// <summary>Settings as written by a district administrator.</summary>
/// <param name="Weights">Weights by term (grade, lowIncome, waitingDays, livingAlone, age), 0–1000.</param>
/// <param name="EligibleHouseholds">Eligible households, or null.</param>
public sealed record RenovationSettingsRequest(Dictionary<string, decimal>? Weights, int? EligibleHouseholds);

/// <summary>A budget as written.</summary>
/// <param name="Allocated">Allocated, yuan, ≥ 0.</param>
public sealed record BudgetRequest(decimal? Allocated);

/// <summary>Planning of a district against its plan targets.</summary>
/// <param name="DistrictCode">District.</param>
/// <param name="AsOf">Date of the figures.</param>
/// <param name="Targets">Progress of each renovation target.</param>
/// <param name="Years">Figures per year of the period.</param>
/// <param name="ByStatus">Households by current status.</param>
public sealed record PlanningResponse(string DistrictCode, DateOnly AsOf, IReadOnlyList<TargetProgress> Targets, IReadOnlyList<YearFigures> Years, IReadOnlyDictionary<string, int> ByStatus);

/// <summary>Public statistics: per county, status × year, with small counts suppressed.</summary>
/// <param name="Threshold">Counts below it are suppressed.</param>
/// <param name="Note">How to read the table.</param>
/// <param name="Districts">One table per county.</param>
public sealed record RenovationStatistics(int Threshold, string Note, IReadOnlyList<DistrictStatistics> Districts);

/// <summary>One county's table.</summary>
/// <param name="DistrictCode">County.</param>
/// <param name="Cells">Non-zero cells.</param>
/// <param name="ByYear">Totals per year.</param>
/// <param name="ByStatus">Totals per status.</param>
/// <param name="Total">Grand total.</param>
public sealed record DistrictStatistics(string DistrictCode, IReadOnlyList<StatisticsCell> Cells, IReadOnlyList<StatisticsCell> ByYear, IReadOnlyList<StatisticsCell> ByStatus, StatisticsCell Total);

/// <summary>A count, or null with suppressed = true.</summary>
/// <param name="Status">Status, or null for a total over statuses.</param>
/// <param name="Year">Year the status was reached, or null for a total over years.</param>
/// <param name="Count">Households, null when suppressed.</param>
/// <param name="Suppressed">True when hidden to protect households.</param>
public sealed record StatisticsCell(string? Status, int? Year, int? Count, bool Suppressed);
