using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Surveys;

/// <summary>Use case: the district's administrator closes a survey before its last day (audited).</summary>
public sealed class CloseSurvey(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Closes survey <paramref name="id"/>: done with the survey, not found, refused, or a conflict when it is closed already.</summary>
    public async Task<Outcome<SurveyRecord>> RunAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var connection = await OpenSurvey.Connection(db, ct);
        if (await SurveySql.GetAsync(connection, id, ct) is not { } survey)
        {
            return Outcome<SurveyRecord>.NotFound();
        }

        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.Survey, survey.DistrictCode)) is { } denied)
        {
            return Outcome<SurveyRecord>.Refused(denied);
        }

        var today = OpenSurvey.Today(clock);
        if (survey.Status(today) == SurveyStatuses.Closed)
        {
            return Closed(survey);
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await SurveySql.CloseAsync(connection, id, UserPrincipal.UserId(http.User), now, ct))
        {
            return Closed(survey);
        }

        audit.Record(http, AuditActions.Update, OpenSurvey.AuditEntityType, id.ToString(CultureInfo.InvariantCulture),
            new { Status = survey.Status(today), survey.ClosesOn }, new { Status = SurveyStatuses.Closed, ClosedAt = now, survey.Responses });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<SurveyRecord>.Done(survey with { ClosedAt = now });
    }

    private static Outcome<SurveyRecord> Closed(SurveyRecord survey) => Outcome<SurveyRecord>.Conflict(
        new FieldErrors().Add("status", "The survey is closed already."),
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Closed", detail: "Survey " + survey.Id.ToString(CultureInfo.InvariantCulture) + " is closed already."));
}
