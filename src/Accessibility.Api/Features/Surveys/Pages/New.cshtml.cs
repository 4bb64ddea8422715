using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Surveys.Pages;

/// <summary>The open-a-survey form as posted.</summary>
public sealed class OpenSurveyForm
{
    /// <summary>District surveyed.</summary>
    public string? DistrictCode { get; set; }

    /// <summary>Title.</summary>
    public string? Title { get; set; }

    /// <summary>First day (yyyy-MM-dd).</summary>
    public string? OpensOn { get; set; }

    /// <summary>Last day (yyyy-MM-dd).</summary>
    public string? ClosesOn { get; set; }

    /// <summary>Question ids ticked.</summary>
    public List<string> Questions { get; set; } = [];
}

/// <summary>Opening a survey: the same use case as <c>POST /api/v1/surveys</c>.</summary>
[StaffAccess(ResourceKinds.Survey, "create")]
public sealed class NewModel(OpenSurvey open, SurveyTemplate template, DistrictChoices districts, TimeProvider clock) : StaffPageModel
{
    /// <summary>What the form posts.</summary>
    [BindProperty]
    public OpenSurveyForm Input { get; set; } = new();

    /// <summary>Districts to choose from (null: typed as a code).</summary>
    public IReadOnlyList<DistrictChoice>? Districts { get; private set; }

    /// <summary>The template's questions.</summary>
    public SurveyTemplateFile Template => template.File_;

    /// <summary>A form with every question ticked and a month from today.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var today = OpenSurvey.Today(clock);
        Input = new OpenSurveyForm
        {
            OpensOn = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ClosesOn = today.AddMonths(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Questions = [.. template.File_.Questions.Select(q => q.Id)],
        };
        Districts = await districts.WithinAsync(ReadScope.For(User, ResourceKinds.Survey, Operations.Create), ct);
        if (Districts is { Count: 1 })
        {
            Input.DistrictCode = Districts[0].Code;
        }

        return Page();
    }

    /// <summary>Opens the survey and shows it, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await open.RunAsync(HttpContext, new OpenSurveyRequest(Input.DistrictCode, Input.Title, Input.OpensOn, Input.ClosesOn, Input.Questions), ct);
        if (outcome.IsDone)
        {
            return Redirect("/staff/surveys/" + outcome.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "?done=opened");
        }

        if (outcome.Kind == OutcomeKind.Refused)
        {
            return ForbiddenPage();
        }

        AddServiceErrors(outcome.Errors!.ToDictionary());
        Districts = await districts.WithinAsync(ReadScope.For(User, ResourceKinds.Survey, Operations.Create), ct);
        return Page();
    }
}
