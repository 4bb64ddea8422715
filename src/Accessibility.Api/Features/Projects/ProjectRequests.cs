using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Projects;

/// <summary>Stages of a construction project (规划 → 设计审查 → 施工 → 竣工验收 → 已验收).</summary>
public static class ProjectStages
{
    /// <summary>规划: registered, facilities being planned.</summary>
    public const string Planning = "planning";

    /// <summary>设计审查: the design's barrier-free items are checked.</summary>
    public const string DesignReview = "design-review";

    /// <summary>施工: under construction.</summary>
    public const string Construction = "construction";

    /// <summary>竣工验收: the built facilities are checked.</summary>
    public const string Acceptance = "acceptance";

    /// <summary>已验收: accepted; its facilities are in the registry. Reached only by acceptance.</summary>
    public const string Accepted = "accepted";

    /// <summary>The stages a project moves through by <see cref="MoveProjectStage"/>, in order.</summary>
    public static readonly IReadOnlyList<string> Moves = [Planning, DesignReview, Construction, Acceptance];

    /// <summary>Every stage.</summary>
    public static readonly IReadOnlyList<string> All = [Planning, DesignReview, Construction, Acceptance, Accepted];

    /// <summary>The stages with barrier-free checks.</summary>
    public static readonly IReadOnlyList<string> Checked = [DesignReview, Acceptance];
}

/// <summary>Kinds of works.</summary>
public static class ProjectWorks
{
    /// <summary>新建 new build.</summary>
    public const string New = "new";

    /// <summary>改建 alteration of an existing building or road.</summary>
    public const string Alteration = "alteration";

    /// <summary>Both.</summary>
    public static readonly IReadOnlyList<string> All = [New, Alteration];
}

/// <summary>Verdicts of a project check item beyond the inspection judge's.</summary>
public static class CheckVerdicts
{
    /// <summary>The item does not apply to this facility, with the checker's reason.</summary>
    public const string NotApplicable = "not_applicable";
}

/// <summary>A project registration or replacement.</summary>
/// <param name="Name">Project name.</param>
/// <param name="Builder">Building organisation (建设单位).</param>
/// <param name="ProjectType">Type code of <c>data/project-types.json</c>.</param>
/// <param name="Works"><c>new</c> or <c>alteration</c>.</param>
/// <param name="Geometry">Footprint (Polygon), line (LineString) or point, GeoJSON.</param>
/// <param name="Crs">CRS of the coordinates: WGS84 (default), CGCS2000, GCJ02 or BD09.</param>
/// <param name="DistrictCode">District the project claims to lie in (checked), optional.</param>
/// <param name="Description">Description.</param>
/// <param name="PlannedCompletion">Planned completion date.</param>
/// <param name="Version">Version read (replacement only; or If-Match).</param>
public sealed record ProjectRequest(
    string? Name,
    string? Builder,
    string? ProjectType,
    string? Works,
    JsonNode? Geometry,
    string? Crs = null,
    string? DistrictCode = null,
    string? Description = null,
    DateOnly? PlannedCompletion = null,
    long? Version = null);

/// <summary>A facility a project will build.</summary>
/// <param name="Kind">Facility kind; must apply to the project's type.</param>
/// <param name="Name">Name.</param>
/// <param name="Geometry">Point (LineString for tactile paving) inside the project's district, GeoJSON.</param>
/// <param name="Crs">CRS of the coordinates.</param>
/// <param name="Attributes">Design attributes, validated as a facility's are.</param>
public sealed record PlannedFacilityRequest(string? Kind, string? Name, JsonNode? Geometry, string? Crs = null, JsonObject? Attributes = null);

/// <summary>A stage move.</summary>
/// <param name="Stage">The next stage.</param>
/// <param name="ValidFrom">When the move took effect, when entered late (a date or instant); default now.</param>
/// <param name="Version">Version read, optional (or If-Match).</param>
public sealed record StageRequest(string? Stage, string? ValidFrom = null, long? Version = null);

/// <summary>One answer of a project check.</summary>
/// <param name="Item">Checklist item code of the planned facility's kind.</param>
/// <param name="Value">Measured value (number or "1:12") or observation (true/false); null when not applicable.</param>
/// <param name="Unit">Unit of the value; the item's canonical unit when absent.</param>
/// <param name="Note">Checker's note: what to correct, for a failure.</param>
/// <param name="NotApplicable">True when the item does not apply to this facility (needs a reason).</param>
/// <param name="Reason">Why the item does not apply.</param>
public sealed record CheckAnswerRequest(string? Item, JsonNode? Value = null, string? Unit = null, string? Note = null, bool? NotApplicable = null, string? Reason = null);

/// <summary>A design-review or acceptance check of one planned facility.</summary>
/// <param name="PlannedFacilityId">The planned facility checked.</param>
/// <param name="Stage">design-review or acceptance; the project's current stage when absent (must be it).</param>
/// <param name="Answers">One answer per applicable item (others optional).</param>
/// <param name="Note">Note on the whole check.</param>
public sealed record CheckRequest(long? PlannedFacilityId, string? Stage, List<CheckAnswerRequest?>? Answers, string? Note = null);

/// <summary>A waiver of a failing item.</summary>
/// <param name="PlannedFacilityId">The planned facility.</param>
/// <param name="Item">The failing item of its latest check in the current stage.</param>
/// <param name="Reason">Why the failure is accepted.</param>
public sealed record WaiverRequest(long? PlannedFacilityId, string? Item, string? Reason);

/// <summary>An acceptance.</summary>
/// <param name="ValidFrom">When the project was accepted, when entered late (a date or instant); default now.</param>
/// <param name="Version">Version read, optional (or If-Match).</param>
public sealed record AcceptRequest(string? ValidFrom = null, long? Version = null);

/// <summary>A document upload (the file's bytes read from the multipart field <c>file</c>).</summary>
/// <param name="Content">The file.</param>
/// <param name="FileName">The file's name as uploaded.</param>
/// <param name="Title">Title; the file name when absent.</param>
/// <param name="Stage">Stage it belongs to; the project's current stage when absent.</param>
public sealed record DocumentUpload(byte[] Content, string? FileName, string? Title, string? Stage);
