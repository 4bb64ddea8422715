using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Renovations;

/// <summary>The checks of a case's data, shared by registering and editing a case.</summary>
internal static class RenovationCaseValidation
{
    /// <summary>Checks a case body; null with <paramref name="errors"/> filled when it is not acceptable. Nothing is stored on error.</summary>
    internal static async Task<RenovationCaseInput?> ValidateAsync(
        RenovationCaseRequest r, RenovationCase? existing, RegistryDbContext db, RenovationItemCatalog catalog, PhotoStore photos, DateOnly today,
        FieldErrors errors, CancellationToken ct)
    {
        var name = Text.Clean(r.PersonName);
        Text.Require(errors, "personName", name, 100);
        var address = Text.Clean(r.Address);
        Text.Require(errors, "address", address, 300);

        string? id = null;
        var birthYear = existing?.BirthYear ?? 0;
        if (r.IdNumber is null && existing is null)
        {
            errors.Add("idNumber", "Required: the ID number (GB 11643, 18 characters).");
        }
        else if (r.IdNumber is not null)
        {
            id = ChineseIdNumber.Normalise(r.IdNumber);
            if (ChineseIdNumber.Problem(id, today, out var birth) is { } problem)
            {
                errors.Add("idNumber", problem);
            }
            else
            {
                birthYear = birth.Year;
            }
        }

        string? phone = null;
        if (!string.IsNullOrWhiteSpace(r.Phone))
        {
            phone = r.Phone.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (phone.Length is < 7 or > 15 || !phone.TrimStart('+').All(char.IsAsciiDigit))
            {
                errors.Add("phone", "A phone number has 7 to 15 digits.");
            }
        }

        if (r.DisabilityCategory is null || !catalog.IsCategory(r.DisabilityCategory))
        {
            errors.Add("disabilityCategory", "Required: " + string.Join(", ", catalog.File_.DisabilityCategories.Select(c => c.Code)) + ".");
        }

        if (r.DisabilityGrade is not (1 or 2))
        {
            errors.Add("disabilityGrade", "Only severe disability is eligible: grade 1 (一级) or 2 (二级).");
        }

        if (r.Eligibility is null || !RenovationCaseRules.Eligibilities.Contains(r.Eligibility, StringComparer.Ordinal))
        {
            errors.Add("eligibility", "Required: " + string.Join(", ", RenovationCaseRules.Eligibilities) + ".");
        }

        if (r.IdentifiedOn is { } identified && (identified > today || identified.Year < 2000))
        {
            errors.Add("identifiedOn", "A date from 2000 up to today.");
        }

        foreach (var (b, i) in (r.Barriers ?? []).Select((b, i) => (b, i)))
        {
            if (!catalog.IsBarrier(b))
            {
                errors.Add(FormattableString.Invariant($"barriers[{i}]"), "Unknown barrier '" + b + "'; see /api/v1/renovations/items.");
            }
        }

        foreach (var (a, i) in (r.MobilityAids ?? []).Select((a, i) => (a, i)))
        {
            if (string.IsNullOrWhiteSpace(a) || a.Length > 40)
            {
                errors.Add(FormattableString.Invariant($"mobilityAids[{i}]"), "A short name (up to 40 characters).");
            }
        }

        var items = new JsonArray();
        foreach (var (item, i) in (r.Items ?? []).Select((x, i) => (x, i)))
        {
            var field = FormattableString.Invariant($"items[{i}]");
            var known = item.Code is null ? null : catalog.Item(item.Code);
            if (known is null)
            {
                errors.Add(field + ".code", "Unknown item; see /api/v1/renovations/items.");
                continue;
            }

            if (item.Quantity is { } q && q is < 1 or > 1000)
            {
                errors.Add(field + ".quantity", "From 1 to 1000.");
            }

            if (item.UnitCost is < 0)
            {
                errors.Add(field + ".unitCost", "A cost cannot be below zero.");
            }

            items.Add(new JsonObject { ["code"] = known.Code, ["quantity"] = item.Quantity ?? 1, ["unitCost"] = item.UnitCost ?? known.UnitCost });
        }

        foreach (var (field, value) in new[] { ("costEstimate", r.CostEstimate), ("subsidy", r.Subsidy), ("ownContribution", r.OwnContribution), ("finalCost", r.FinalCost) })
        {
            if (value is < 0)
            {
                errors.Add(field, "A cost cannot be below zero.");
            }
            else if (value is > 10_000_000)
            {
                errors.Add(field, "Implausibly large (over 10,000,000 yuan).");
            }
        }

        Text.Optional(errors, "contractor", r.Contractor, 200);
        Text.Optional(errors, "assessmentNote", r.AssessmentNote, 2000);
        Text.Optional(errors, "acceptanceNote", r.AcceptanceNote, 1000);
        Text.Optional(errors, "source", r.Source, 40);

        foreach (var (field, ids) in new[] { ("photosBefore", r.PhotosBefore), ("photosAfter", r.PhotosAfter) })
        {
            if (ids is { Count: > 0 })
            {
                var missing = await photos.FindMissingAsync(ids, ct);
                if (missing.Count > 0)
                {
                    errors.Add(field, "No photo " + string.Join(", ", missing) + "; upload with POST /api/v1/photos first.");
                }
            }
        }

        Point? location = null;
        if (!InputCrsParser.TryParse(r.Crs, out var crs))
        {
            errors.Add("crs", "Unknown CRS '" + r.Crs + "'; expected WGS84, CGCS2000, GCJ02 or BD09.");
        }
        else
        {
            var geometry = JsonBody.ReadGeometry(r.Location, crs, "location", errors);
            if (geometry is not null and not Point)
            {
                errors.Add("location", "The location of a home is a GeoJSON Point.");
            }
            else
            {
                location = geometry as Point;
            }
        }

        string? districtCode = null;
        if (!DistrictCodes.TryNormalize(r.DistrictCode, out var claimed) || claimed.Length != 6)
        {
            errors.Add("districtCode", "Required: the county-level district code (GB/T 2260, 6 digits).");
        }
        else if (!await db.Districts.AnyAsync(d => d.Code == claimed && d.Level == DistrictLevel.County, ct))
        {
            errors.Add("districtCode", "No county-level district has the code " + claimed + ".");
        }
        else
        {
            districtCode = claimed;
        }

        if (!errors.IsEmpty)
        {
            return null;
        }

        // The location must lie inside the case's district: errors name location.
        var connection = await WriteResults.OpenAsync(db, ct);
        var place = await DistrictPlacement.PlaceAsync(connection, location!, districtCode, errors, ct, "location", "location");
        if (place is not { } p)
        {
            return null;
        }

        return new RenovationCaseInput(r, p.County, p.Township, name!, id, phone, r.Phone is null && existing is not null, birthYear, address!, location!, items);
    }
}

/// <summary>A case body that passed the checks, with the district and township it lies in.</summary>
internal sealed record RenovationCaseInput(
    RenovationCaseRequest Request, string DistrictCode, string? TownshipCode, string PersonName, string? IdNumber, string? Phone, bool KeepPhone,
    int BirthYear, string Address, Point Location, JsonArray Items)
{
    public void ApplyTo(RenovationCase c, PersonalDataProtector protector, DateTimeOffset now)
    {
        c.TownshipCode = TownshipCode;
        c.BirthYear = BirthYear;
        if (!KeepPhone)
        {
            c.PhoneCipher = Phone is null ? null : protector.Encrypt(Phone, RenovationCaseRules.PhoneField);
        }

        c.DisabilityGrade = (short)Request.DisabilityGrade!.Value;
        c.MobilityAids = Request.MobilityAids?.Select(a => a.Trim()).ToList() ?? [];
        c.LivesAlone = Request.LivesAlone ?? false;
        c.Barriers = Request.Barriers?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        c.AssessmentNote = Text.Clean(Request.AssessmentNote);
        c.Items = Items;
        c.CostEstimate = Request.CostEstimate ?? (Items.Count > 0
            ? Items.OfType<JsonObject>().Sum(i => (decimal)i["unitCost"]! * (int)i["quantity"]!)
            : null);
        c.Subsidy = Request.Subsidy;
        c.OwnContribution = Request.OwnContribution;
        c.FinalCost = Request.FinalCost ?? c.FinalCost;
        c.Contractor = Text.Clean(Request.Contractor) ?? c.Contractor;
        c.PhotosBefore = Request.PhotosBefore?.Distinct().ToList() ?? [];
        c.PhotosAfter = Request.PhotosAfter?.Distinct().ToList() ?? [];
        c.AcceptanceNote = Text.Clean(Request.AcceptanceNote) ?? c.AcceptanceNote;
        c.UpdatedAt = now;
    }
}
