using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.PlanTargets.Pages;

/// <summary>What the plan target pages share.</summary>
internal static class PlanTargetPages
{
    /// <summary>The list page.</summary>
    public const string List = "/staff/plan-targets";

    /// <summary>
    /// The form's errors first, then the use case's for the other fields (a value that is not a number is not also
    /// "required").
    /// </summary>
    public static Dictionary<string, string[]> Merge(FieldErrors form, FieldErrors? service)
    {
        var all = form.ToDictionary();
        foreach (var (field, messages) in service?.ToDictionary() ?? [])
        {
            all.TryAdd(field, messages);
        }

        return all;
    }
}
