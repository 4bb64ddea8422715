using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>One row of the project list.</summary>
/// <param name="Id">Project id.</param>
/// <param name="Name">Name.</param>
/// <param name="ProjectType">Type code (building, road, park…).</param>
/// <param name="Works">new or alteration.</param>
/// <param name="DistrictCode">County.</param>
/// <param name="Stage">Stage code.</param>
/// <param name="OpenFailures">Failed checklist items neither corrected nor waived.</param>
/// <param name="Waived">Items waived by an administrator.</param>
/// <param name="Compliant">Barrier-free compliant, once accepted.</param>
public sealed record ProjectListRow(long Id, string Name, string ProjectType, string Works, string DistrictCode, string Stage, int OpenFailures, int Waived, bool? Compliant);

/// <summary>A project as its page shows it.</summary>
public sealed record ProjectDetails
{
    /// <summary>Id.</summary>
    public required long Id { get; init; }

    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Builder (建设单位).</summary>
    public required string Builder { get; init; }

    /// <summary>Type code.</summary>
    public required string ProjectType { get; init; }

    /// <summary>new or alteration.</summary>
    public required string Works { get; init; }

    /// <summary>County.</summary>
    public required string DistrictCode { get; init; }

    /// <summary>Township, when known.</summary>
    public string? TownshipCode { get; init; }

    /// <summary>Stage code.</summary>
    public required string Stage { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Planned completion.</summary>
    public DateOnly? PlannedCompletion { get; init; }

    /// <summary>Barrier-free compliant, once accepted.</summary>
    public bool? Compliant { get; init; }

    /// <summary>When accepted.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>Position shown (a point of the footprint), latitude and longitude.</summary>
    public (double Lat, double Lon)? Position { get; init; }

    /// <summary>The footprint or line, GeoJSON.</summary>
    public string? GeometryJson { get; init; }

    /// <summary>The planned facilities.</summary>
    public IReadOnlyList<PlannedFacilityView> Facilities { get; init; } = [];

    /// <summary>Every check, newest first.</summary>
    public IReadOnlyList<CheckView> Checks { get; init; } = [];

    /// <summary>Waivers.</summary>
    public IReadOnlyList<WaiverView> Waivers { get; init; } = [];

    /// <summary>Documents.</summary>
    public IReadOnlyList<DocumentView> Documents { get; init; } = [];

    /// <summary>The next stage, or null once accepted.</summary>
    public string? NextStage { get; init; }

    /// <summary>What stops the next stage now (empty when it may be taken).</summary>
    public IReadOnlyList<Blocker> Blockers { get; init; } = [];

    /// <summary>The row version read (the use cases refuse a change made on a stale read).</summary>
    public long Version { get; init; }
}

/// <summary>A facility the project will build.</summary>
/// <param name="Id">Planned facility id.</param>
/// <param name="Kind">Facility kind code.</param>
/// <param name="Name">Name.</param>
/// <param name="Position">Latitude and longitude (a point of its geometry).</param>
/// <param name="FacilityId">The registry's facility, once accepted.</param>
/// <param name="RoadSegmentId">The registry's road segment, once accepted.</param>
/// <param name="Attributes">Design attributes (they decide which rule of an item applies).</param>
/// <param name="Line">The vertices of a line (tactile paving, a road segment) as latitude and longitude; null for a point.</param>
public sealed record PlannedFacilityView(
    long Id, string Kind, string Name, (double Lat, double Lon)? Position, long? FacilityId, long? RoadSegmentId, JsonObject? Attributes,
    IReadOnlyList<(double Lat, double Lon)>? Line = null);

/// <summary>A recorded check of one planned facility.</summary>
/// <param name="Id">Check id.</param>
/// <param name="ProjectFacilityId">Planned facility.</param>
/// <param name="Stage">design-review or acceptance.</param>
/// <param name="Result">pass or fail.</param>
/// <param name="Items">The judged items.</param>
/// <param name="Note">Note.</param>
/// <param name="CheckerName">Who checked.</param>
/// <param name="CheckedAt">When.</param>
public sealed record CheckView(long Id, long ProjectFacilityId, string Stage, string Result, IReadOnlyList<JudgedItemView> Items, string? Note, string CheckerName, DateTimeOffset CheckedAt);

/// <summary>One judged item of a check.</summary>
/// <param name="Item">Checklist item code.</param>
/// <param name="Value">Value as recorded (text).</param>
/// <param name="Unit">Unit recorded.</param>
/// <param name="Verdict">pass, fail, not-applicable or unjudged.</param>
/// <param name="Reason">Why not applicable.</param>
/// <param name="Clause">The standard's clause.</param>
/// <param name="Threshold">What the standard asks (in the page's language).</param>
public sealed record JudgedItemView(string Item, string? Value, string? Unit, string Verdict, string? Reason, string? Clause, string? Threshold);

/// <summary>A waiver of one item of one planned facility.</summary>
/// <param name="Id">Id.</param>
/// <param name="ProjectFacilityId">Planned facility.</param>
/// <param name="Stage">The stage whose check it waives.</param>
/// <param name="Item">Item code.</param>
/// <param name="Reason">Why.</param>
/// <param name="GrantedAt">When.</param>
public sealed record WaiverView(long Id, long ProjectFacilityId, string Stage, string Item, string Reason, DateTimeOffset GrantedAt);

/// <summary>A document of the project.</summary>
/// <param name="Id">Id.</param>
/// <param name="Stage">Stage it belongs to.</param>
/// <param name="Title">Title.</param>
/// <param name="FileName">File name.</param>
/// <param name="Bytes">Size.</param>
/// <param name="UploadedAt">When.</param>
public sealed record DocumentView(Guid Id, string Stage, string Title, string FileName, long Bytes, DateTimeOffset UploadedAt);

/// <summary>What blocks the next stage: a failed item not corrected or waived, or a planned facility not yet checked.</summary>
/// <param name="Reason">fail, unchecked, no-facilities or other.</param>
/// <param name="ProjectFacilityId">Planned facility, if any.</param>
/// <param name="Item">Item code, for a failure.</param>
/// <param name="Message">The service's own words, for other reasons.</param>
public sealed record Blocker(string Reason, long? ProjectFacilityId, string? Item, string? Message);
