using System.Globalization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>Where the construction project pages are.</summary>
public static class ProjectPaths
{
    /// <summary>The list (the area's first page).</summary>
    public const string List = "/staff/projects";

    /// <summary>Registering a project.</summary>
    public const string New = "/staff/projects/new";

    /// <summary>A project's page.</summary>
    public static string Detail(long id) => List + "/" + Id(id);

    /// <summary>Adding a planned facility.</summary>
    public static string NewFacility(long id) => Detail(id) + "/facilities/new";

    /// <summary>Editing a planned facility.</summary>
    public static string EditFacility(long id, long facilityId) => Detail(id) + "/facilities/" + Id(facilityId) + "/edit";

    /// <summary>Recording a check of a planned facility at the project's stage.</summary>
    public static string NewCheck(long id, long facilityId) => Detail(id) + "/facilities/" + Id(facilityId) + "/checks/new";

    /// <summary>A recorded check with its judged items.</summary>
    public static string Check(long id, long checkId) => Detail(id) + "/checks/" + Id(checkId);

    /// <summary>Recording a waiver of one failed item.</summary>
    public static string NewWaiver(long id, long facilityId, string item) =>
        Detail(id) + "/waivers/new?facility=" + Id(facilityId) + "&item=" + Uri.EscapeDataString(item);

    /// <summary>Moving the project to its next stage (or accepting it).</summary>
    public static string Advance(long id) => Detail(id) + "/advance";

    /// <summary>Uploading a document.</summary>
    public static string NewDocument(long id) => Detail(id) + "/documents/new";

    /// <summary>Downloading a document.</summary>
    public static string Document(long id, Guid documentId) => Detail(id) + "/documents/" + documentId.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>The project's audit trail.</summary>
    public static string Audit(long id) => "/staff/audit/construction-project/" + Id(id);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
