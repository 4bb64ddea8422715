namespace Accessibility.Api.Features.PlanTargets;

/// <summary>A district's target from its five-year plan (规划指标).</summary>
public sealed class PlanTarget
{
    /// <summary>Identifier.</summary>
    public long Id { get; set; }

    /// <summary>GB/T 2260 code of the district the plan belongs to.</summary>
    public required string DistrictCode { get; set; }

    /// <summary>Machine name of the indicator, e.g. <c>household_renovations</c>.</summary>
    public required string Indicator { get; set; }

    /// <summary>The indicator's wording in the plan.</summary>
    public required string Title { get; set; }

    /// <summary>Count or ratio.</summary>
    public PlanTargetKind Kind { get; set; }

    /// <summary>Target value: a count, or a ratio in [0, 1].</summary>
    public decimal Value { get; set; }

    /// <summary>How the value is compared: <c>&gt;=</c>, <c>&gt;</c>, <c>=</c>, <c>&lt;=</c>.</summary>
    public string Comparator { get; set; } = ">=";

    /// <summary>Unit as printed in the plan, e.g. 户 or %.</summary>
    public string? Unit { get; set; }

    /// <summary>First year of the plan period.</summary>
    public int PeriodStart { get; set; }

    /// <summary>Last year of the plan period.</summary>
    public int PeriodEnd { get; set; }

    /// <summary>Binding (约束性) or expected (预期性).</summary>
    public bool Binding { get; set; }

    /// <summary>The plan document the target comes from.</summary>
    public required string SourceDocument { get; set; }

    /// <summary>The table or section of the document.</summary>
    public string? SourceTable { get; set; }

    /// <summary>Free-text note, e.g. why one plan carries two figures.</summary>
    public string? Note { get; set; }

    /// <summary>Row version for optimistic concurrency (PostgreSQL xmin).</summary>
    public uint Version { get; set; }
}

/// <summary>Whether a target counts things or is a share.</summary>
public enum PlanTargetKind
{
    /// <summary>A number of things, e.g. households.</summary>
    Count = 1,

    /// <summary>A share between 0 and 1.</summary>
    Ratio = 2,
}
