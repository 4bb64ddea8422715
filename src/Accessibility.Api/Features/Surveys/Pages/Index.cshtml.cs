using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Surveys.Pages;

/// <summary>The surveys of the caller's districts, with their state and a link to each one's results.</summary>
[StaffAccess(ResourceKinds.Survey, "read-personal")]
public sealed class IndexModel(RegistryDbContext db, TimeProvider clock) : StaffPageModel
{
    /// <summary>Surveys, newest first.</summary>
    public IReadOnlyList<SurveyRecord> Surveys { get; private set; } = [];

    /// <summary>Today in China Standard Time.</summary>
    public DateOnly Today { get; private set; }

    /// <summary>Whether the caller may open surveys (somewhere).</summary>
    public bool MayOpen { get; private set; }

    /// <summary>Lists the surveys the caller may read the free text of.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Today = OpenSurvey.Today(clock);
        MayOpen = AccessRules.Allows(User, Operations.Create.Name, new RegistryResource(ResourceKinds.Survey, null));
        var scope = ReadScope.For(User, ResourceKinds.Survey, Operations.ReadPersonal);
        Surveys = await SurveySql.ListAsync(await OpenSurvey.Connection(db, ct), scope.LikePatterns, null, null, 500, ct);
        return Page();
    }
}
