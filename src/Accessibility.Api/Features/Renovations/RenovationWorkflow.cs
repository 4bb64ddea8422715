using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// The workflow of a case: identified → assessed → approved → contracted → in_progress →
/// completed → accepted → followed_up, and the exits rejected and withdrawn (each with a reason).
/// Each step names the roles that may take it: the housing bureau (planner) assesses and runs
/// the works, the disabled persons' federation (district-admin) approves eligibility, accepts the
/// finished works and follows up satisfaction.
/// </summary>
public static class RenovationWorkflow
{
    /// <summary>Household registered.</summary>
    public const string Identified = "identified";

    /// <summary>Needs assessed, items chosen.</summary>
    public const string Assessed = "assessed";

    /// <summary>Eligibility and subsidy approved.</summary>
    public const string Approved = "approved";

    /// <summary>Contract signed with a contractor.</summary>
    public const string Contracted = "contracted";

    /// <summary>Works under way.</summary>
    public const string InProgress = "in_progress";

    /// <summary>Works finished.</summary>
    public const string Completed = "completed";

    /// <summary>Acceptance check passed: the renovation counts against the targets.</summary>
    public const string Accepted = "accepted";

    /// <summary>Satisfaction follow-up done.</summary>
    public const string FollowedUp = "followed_up";

    /// <summary>Not eligible.</summary>
    public const string Rejected = "rejected";

    /// <summary>Withdrawn by or for the household.</summary>
    public const string Withdrawn = "withdrawn";

    /// <summary>The main line in order.</summary>
    public static readonly IReadOnlyList<string> MainLine = [Identified, Assessed, Approved, Contracted, InProgress, Completed, Accepted, FollowedUp];

    /// <summary>Every status.</summary>
    public static readonly IReadOnlyList<string> All = [.. MainLine, Rejected, Withdrawn];

    /// <summary>Waiting households: on the priority list.</summary>
    public static readonly IReadOnlyList<string> Waiting = [Identified, Assessed];

    /// <summary>Approved and not yet accepted: the pipeline.</summary>
    public static readonly IReadOnlyList<string> Pipeline = [Approved, Contracted, InProgress, Completed];

    /// <summary>Renovated: counts against the targets.</summary>
    public static readonly IReadOnlyList<string> Done = [Accepted, FollowedUp];

    /// <summary>Closed without renovation.</summary>
    public static readonly IReadOnlyList<string> Closed = [Rejected, Withdrawn];

    /// <summary>Every allowed step.</summary>
    public static readonly IReadOnlyList<Transition> Transitions =
    [
        new(Identified, Assessed, [Roles.Planner, Roles.DistrictAdmin], false),
        new(Assessed, Approved, [Roles.DistrictAdmin], false),
        new(Approved, Contracted, [Roles.Planner], false),
        new(Contracted, InProgress, [Roles.Planner], false),
        new(InProgress, Completed, [Roles.Planner], false),
        new(Completed, Accepted, [Roles.DistrictAdmin], false),
        new(Accepted, FollowedUp, [Roles.DistrictAdmin], false),
        new(Identified, Rejected, [Roles.DistrictAdmin], true),
        new(Assessed, Rejected, [Roles.DistrictAdmin], true),
        new(Identified, Withdrawn, [Roles.Planner, Roles.DistrictAdmin], true),
        new(Assessed, Withdrawn, [Roles.Planner, Roles.DistrictAdmin], true),
        new(Approved, Withdrawn, [Roles.Planner, Roles.DistrictAdmin], true),
        new(Contracted, Withdrawn, [Roles.Planner, Roles.DistrictAdmin], true),
        new(InProgress, Withdrawn, [Roles.Planner, Roles.DistrictAdmin], true),
    ];

    /// <summary>Whether <paramref name="status"/> is known.</summary>
    public static bool IsStatus(string? status) => status is not null && All.Contains(status, StringComparer.Ordinal);

    /// <summary>The step from <paramref name="from"/> to <paramref name="to"/>, or null when there is none.</summary>
    public static Transition? Find(string from, string to) =>
        Transitions.FirstOrDefault(t => t.From == from && t.To == to);

    /// <summary>Where a case can go from <paramref name="from"/>.</summary>
    public static IEnumerable<Transition> From(string from) => Transitions.Where(t => t.From == from);
}

/// <summary>An allowed step.</summary>
/// <param name="From">Status before.</param>
/// <param name="To">Status after.</param>
/// <param name="Roles">Roles that may take it.</param>
/// <param name="ReasonRequired">Whether a reason must be given.</param>
public sealed record Transition(string From, string To, IReadOnlyList<string> Roles, bool ReasonRequired);
