using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// One household's accessibility renovation (困难重度残疾人家庭无障碍改造). Sensitive personal
/// information: the ID number and phone are stored only encrypted (<see cref="PersonalDataProtector"/>),
/// the location is never served by a public endpoint.
/// </summary>
public sealed class RenovationCase
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>County-level district (GB/T 2260) the household lies in.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Township (镇/街道) where known.</summary>
    public string? TownshipCode { get; set; }

    /// <summary>Workflow status, see <see cref="RenovationWorkflow"/>.</summary>
    public required string Status { get; set; }

    /// <summary>When the case entered its current status.</summary>
    public DateTimeOffset StatusChangedAt { get; set; }

    /// <summary>Name of the person with a disability.</summary>
    public required string PersonName { get; set; }

    /// <summary>ID number (GB 11643), AES-GCM encrypted.</summary>
    public required byte[] IdNumberCipher { get; set; }

    /// <summary>Keyed hash (HMAC-SHA256) of the ID number, to find duplicates without decrypting.</summary>
    public required byte[] IdNumberHash { get; set; }

    /// <summary>Phone number, AES-GCM encrypted; null when none was given.</summary>
    public byte[]? PhoneCipher { get; set; }

    /// <summary>Year of birth (from the ID number), for the age term of the priority score.</summary>
    public int BirthYear { get; set; }

    /// <summary>Disability category: physical, visual, hearing, speech, intellectual, mental, multiple.</summary>
    public required string DisabilityCategory { get; set; }

    /// <summary>Disability grade: 1 or 2 (severe).</summary>
    public short DisabilityGrade { get; set; }

    /// <summary>Mobility aids used (wheelchair, walker, crutches, white_cane, hearing_aid…).</summary>
    public List<string> MobilityAids { get; set; } = [];

    /// <summary>Eligibility: dibao (低保), extreme_poverty (特困), low_income (低收入), other.</summary>
    public required string Eligibility { get; set; }

    /// <summary>Whether the person lives alone.</summary>
    public bool LivesAlone { get; set; }

    /// <summary>Address.</summary>
    public required string Address { get; set; }

    /// <summary>Exact location of the home (SRID 4490). Private.</summary>
    public required Point Location { get; set; }

    /// <summary>Barriers found by the needs assessment.</summary>
    public List<string> Barriers { get; set; } = [];

    /// <summary>Notes of the assessment.</summary>
    public string? AssessmentNote { get; set; }

    /// <summary>Chosen renovation items: [{code, quantity, unitCost}].</summary>
    public JsonArray Items { get; set; } = [];

    /// <summary>Estimated cost (yuan).</summary>
    public decimal? CostEstimate { get; set; }

    /// <summary>Subsidy (yuan).</summary>
    public decimal? Subsidy { get; set; }

    /// <summary>Household's own contribution (yuan).</summary>
    public decimal? OwnContribution { get; set; }

    /// <summary>Final cost after completion (yuan).</summary>
    public decimal? FinalCost { get; set; }

    /// <summary>Contractor.</summary>
    public string? Contractor { get; set; }

    /// <summary>Photos before the works (ids in <c>photos</c>).</summary>
    public List<Guid> PhotosBefore { get; set; } = [];

    /// <summary>Photos after the works.</summary>
    public List<Guid> PhotosAfter { get; set; } = [];

    /// <summary>Result note of the acceptance check (验收).</summary>
    public string? AcceptanceNote { get; set; }

    /// <summary>Satisfaction 1–5 from the follow-up.</summary>
    public short? Satisfaction { get; set; }

    /// <summary>Comment of the follow-up.</summary>
    public string? SatisfactionComment { get; set; }

    /// <summary>Reason of a rejection or withdrawal.</summary>
    public string? ClosingReason { get; set; }

    /// <summary>Date the household was identified.</summary>
    public DateOnly IdentifiedOn { get; set; }

    /// <summary>When the case was approved.</summary>
    public DateTimeOffset? ApprovedAt { get; set; }

    /// <summary>When the contract was signed.</summary>
    public DateTimeOffset? ContractedAt { get; set; }

    /// <summary>When the works were completed.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>When the acceptance check passed.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>manual, demo, or an importer's name.</summary>
    public string Source { get; set; } = "manual";

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Row version (xmin).</summary>
    public uint Version { get; set; }
}

/// <summary>One workflow transition of a case: who, when, from and to, why.</summary>
public sealed class RenovationCaseEvent
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>The case.</summary>
    public long CaseId { get; set; }

    /// <summary>Status before (null on creation).</summary>
    public string? FromStatus { get; set; }

    /// <summary>Status after.</summary>
    public required string ToStatus { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Account that made the transition.</summary>
    public long? UserId { get; set; }

    /// <summary>User name at the time.</summary>
    public required string Actor { get; set; }

    /// <summary>Role used.</summary>
    public required string Role { get; set; }

    /// <summary>Reason or note.</summary>
    public string? Note { get; set; }
}

/// <summary>A district's renovation settings, maintained by its district administrator.</summary>
public sealed class RenovationDistrictSettings
{
    /// <summary>County-level district.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Priority weights by term (grade, lowIncome, waitingDays, livingAlone, age).</summary>
    public JsonObject Weights { get; set; } = [];

    /// <summary>Eligible households (the denominator of a coverage target); null: the households registered.</summary>
    public int? EligibleHouseholds { get; set; }

    /// <summary>Last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Row version (xmin).</summary>
    public uint Version { get; set; }
}

/// <summary>Budget allocated to renovations in a district for a year.</summary>
public sealed class RenovationBudget
{
    /// <summary>District.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Year.</summary>
    public int Year { get; set; }

    /// <summary>Allocated (yuan).</summary>
    public decimal Allocated { get; set; }

    /// <summary>Last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
