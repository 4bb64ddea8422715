namespace Accessibility.Api.Features.Renovations;

/// <summary>The public routes: workflow, item catalogue and suggestions, statistics.</summary>
public static partial class RenovationEndpoints
{
    private static WorkflowResponse Workflow() => new(RenovationWorkflow.All, RenovationWorkflow.Transitions);

    private static RenovationCatalogFile Items(RenovationItemCatalog catalog) => catalog.File_;

    private static IResult Suggestions(string? barriers, string? category, SuggestRenovationItems suggest) =>
        suggest.Suggest((barriers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), category)
            .ToResult(TypedResults.Ok);

    private static async Task<IResult> Statistics(string? district, HttpContext http, PublishRenovationStatistics statistics, CancellationToken ct) =>
        (await statistics.PublishAsync(http, district, ct)).ToResult(TypedResults.Ok);
}
