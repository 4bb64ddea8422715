using System.Globalization;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.PlanTargets.Pages;

/// <summary>The plan target form as posted: text, so that a number typed wrong comes back with its message, not lost.</summary>
public sealed class PlanTargetForm
{
    /// <summary>District whose plan sets the target.</summary>
    public string? DistrictCode { get; set; }

    /// <summary>Machine name, e.g. household_renovations.</summary>
    public string? Indicator { get; set; }

    /// <summary>Wording in the plan.</summary>
    public string? Title { get; set; }

    /// <summary>count or ratio.</summary>
    public string? Kind { get; set; }

    /// <summary>The target value.</summary>
    public string? Value { get; set; }

    /// <summary>&gt;=, &gt;, =, &lt;=, &lt;.</summary>
    public string? Comparator { get; set; }

    /// <summary>Unit as printed.</summary>
    public string? Unit { get; set; }

    /// <summary>First year.</summary>
    public string? PeriodStart { get; set; }

    /// <summary>Last year.</summary>
    public string? PeriodEnd { get; set; }

    /// <summary>"true" binding (约束性), "false" expected (预期性).</summary>
    public string? Binding { get; set; }

    /// <summary>Plan document.</summary>
    public string? SourceDocument { get; set; }

    /// <summary>Clause, table or section of the document.</summary>
    public string? SourceTable { get; set; }

    /// <summary>Free text.</summary>
    public string? Note { get; set; }

    /// <summary>Version read (edits).</summary>
    public long? Version { get; set; }

    /// <summary>The form filled with <paramref name="t"/>.</summary>
    public static PlanTargetForm From(PlanTarget t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new()
        {
            DistrictCode = t.DistrictCode,
            Indicator = t.Indicator,
            Title = t.Title,
            Kind = t.Kind == PlanTargetKind.Ratio ? "ratio" : "count",
            Value = t.Value.ToString("0.####", CultureInfo.InvariantCulture),
            Comparator = t.Comparator,
            Unit = t.Unit,
            PeriodStart = t.PeriodStart.ToString(CultureInfo.InvariantCulture),
            PeriodEnd = t.PeriodEnd.ToString(CultureInfo.InvariantCulture),
            Binding = t.Binding ? "true" : "false",
            SourceDocument = t.SourceDocument,
            SourceTable = t.SourceTable,
            Note = t.Note,
            Version = t.Version,
        };
    }

    /// <summary>The request the use case takes; what cannot be read as a number or choice goes to <paramref name="errors"/>.</summary>
    public PlanTargetRequest ToRequest(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        decimal? value = null;
        if (!string.IsNullOrWhiteSpace(Value))
        {
            if (decimal.TryParse(Value.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var v))
            {
                value = v;
            }
            else
            {
                errors.Add("value", "Expected a number, e.g. 120 or 0.85.");
            }
        }

        return new PlanTargetRequest(
            Clean(DistrictCode), Clean(Indicator), Clean(Title),
            Kind switch { "count" => PlanTargetKind.Count, "ratio" => PlanTargetKind.Ratio, _ => null },
            value, Clean(Comparator), Clean(Unit), Year(PeriodStart, "periodStart", errors), Year(PeriodEnd, "periodEnd", errors),
            Binding switch { "true" => true, "false" => false, _ => null },
            Clean(SourceDocument), Clean(SourceTable), Clean(Note), Version);
    }

    private static int? Year(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            return year;
        }

        errors.Add(field, "Required: a year from 2000 to 2100.");
        return null;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
