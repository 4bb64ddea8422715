using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Npgsql;

namespace Accessibility.Api.Features.Projects;

/// <summary>What the project use cases share: the project loaded for a change (locked, the caller's right checked), the actor, the refusals.</summary>
internal static class ProjectWrites
{
    /// <summary>Entity type of projects in the audit log.</summary>
    public const string AuditProject = "construction-project";

    /// <summary>Entity type of planned facilities in the audit log.</summary>
    public const string AuditPlanned = "project-facility";

    /// <summary>Entity type of checks in the audit log.</summary>
    public const string AuditCheck = "project-check";

    /// <summary>Entity type of waivers in the audit log.</summary>
    public const string AuditWaiver = "project-waiver";

    /// <summary>Entity type of documents in the audit log.</summary>
    public const string AuditDocument = "project-document";

    /// <summary>The context's connection, opened.</summary>
    public static Task<NpgsqlConnection> OpenAsync(RegistryDbContext db, CancellationToken ct) => WriteResults.OpenAsync(db, ct);

    /// <summary>
    /// Project <paramref name="id"/> locked for the transaction, if the caller may do <paramref name="operation"/> on it; else the
    /// refusal: 404, 410, or 401/403 (who may is settled before anything about the request is answered).
    /// </summary>
    public static async Task<(ProjectRow? Project, IResult? Refusal)> LoadAsync(
        HttpContext http, NpgsqlConnection connection, long id, OperationAuthorizationRequirement operation, CancellationToken ct, bool forUpdate = true)
    {
        var project = await ProjectSql.ProjectAsync(connection, id, forUpdate, ct);
        if (project is null)
        {
            return (null, NotFound(id));
        }

        if (project.DeletedAt is not null)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Deleted", detail: "Project " + Id(id) + " was deleted."));
        }

        return await http.AuthorizeAsync(operation, Resource(project.DistrictCode)) is { } refused ? (null, refused) : (project, null);
    }

    /// <summary>The rule table's resource of a project in <paramref name="district"/>.</summary>
    public static RegistryResource Resource(string district) => RegistryResource.In(ResourceKinds.ConstructionProject, district);

    /// <summary>404 for project <paramref name="id"/>.</summary>
    public static IResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No construction project " + Id(id) + ".");

    /// <summary>409: the project's stage does not allow the step.</summary>
    public static IResult WrongStage(ProjectRow project, string detail) => TypedResults.Problem(new HttpValidationProblemDetails(
        new Dictionary<string, string[]>(StringComparer.Ordinal) { ["stage"] = [detail] })
    {
        Status = StatusCodes.Status409Conflict,
        Title = "Not at this stage",
        Detail = detail,
        Extensions = { ["stage"] = project.Stage },
    });

    /// <summary>409 with the current version: the project changed since the caller read it.</summary>
    public static IResult Stale(long currentVersion) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Stale version",
        detail: "The project changed since you read it; current version " + Id(currentVersion) + ". Re-read and apply your change again.",
        extensions: new Dictionary<string, object?> { ["currentVersion"] = currentVersion });

    /// <summary>Who acts: the signed-in user.</summary>
    public static (long? UserId, string Name) Actor(HttpContext http) =>
        (UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown");

    /// <summary>An id as text.</summary>
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A version check: <paramref name="expected"/> (If-Match or body) against the project's; the refusal or null.</summary>
    public static IResult? CheckVersion(ProjectRow project, long? expected) =>
        expected is { } v && v != project.Version ? Stale(project.Version) : null;
}
