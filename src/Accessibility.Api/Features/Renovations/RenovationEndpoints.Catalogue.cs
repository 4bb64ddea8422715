using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Renovations;

/// <summary>The public routes: workflow, item catalogue and suggestions, statistics.</summary>
public static partial class RenovationEndpoints
{
    private static WorkflowResponse Workflow() => new(RenovationWorkflow.All, RenovationWorkflow.Transitions);

    private static RenovationCatalogFile Items(RenovationItemCatalog catalog) => catalog.File_;

    private static IResult Suggestions(string? barriers, string? category, SuggestRenovationItems suggest) =>
        suggest.Suggest((barriers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), category)
            .ToResult(TypedResults.Ok);

    private static async Task<IResult> Statistics(
        string? district, string? asOf, string? knownAt, HttpContext http, PublishRenovationStatistics statistics, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var at = AsOf.Parse(asOf, knownAt, clock, errors);
        return errors.IsEmpty
            ? (await statistics.PublishAsync(http, district, ct, at)).ToResult(TypedResults.Ok)
            : TypedResults.ValidationProblem(errors.ToDictionary());
    }
}
