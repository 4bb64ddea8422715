using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Renovations;

/// <summary>Use case: the catalogue items suggested for the barriers an assessment recorded and a disability category.</summary>
public sealed class SuggestRenovationItems(RenovationItemCatalog catalog)
{
    /// <summary>Suggestions for <paramref name="barriers"/> (codes) and <paramref name="category"/>; field errors name unknown codes.</summary>
    public RenovationOutcome<IReadOnlyList<ItemSuggestion>> Suggest(IReadOnlyCollection<string> barriers, string? category)
    {
        ArgumentNullException.ThrowIfNull(barriers);
        var errors = new FieldErrors();
        foreach (var b in barriers.Where(b => !catalog.IsBarrier(b)))
        {
            errors.Add("barriers", "Unknown barrier '" + b + "'.");
        }

        if (category is null || !catalog.IsCategory(category))
        {
            errors.Add("category", "Required: a disability category of /api/v1/renovations/items.");
        }

        return errors.IsEmpty
            ? RenovationOutcome.Success(catalog.Suggest(barriers, category!))
            : RenovationOutcome<IReadOnlyList<ItemSuggestion>>.Refused(errors.ToResult(StatusCodes.Status400BadRequest));
    }
}
