using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>What a case shows: in a list (numbers masked), in the audit log (no personal data), in full (detail, audited by the reader).</summary>
internal static class RenovationCaseViews
{
    /// <summary>A case in a list: ID and phone masked to their last 4 characters.</summary>
    internal static RenovationCaseSummary Summary(RenovationCase c, PersonalDataProtector protector) => new(
        c.Id, c.DistrictCode, c.TownshipCode, c.Status, c.StatusChangedAt, c.PersonName,
        PersonalDataProtector.Mask(protector.Decrypt(c.IdNumberCipher, RenovationCaseRules.IdField)),
        c.PhoneCipher is null ? "" : PersonalDataProtector.Mask(protector.Decrypt(c.PhoneCipher, RenovationCaseRules.PhoneField)),
        c.DisabilityCategory, c.DisabilityGrade, c.Eligibility, c.IdentifiedOn, c.CostEstimate, c.Subsidy, c.Source);

    /// <summary>What the audit log keeps of a case: no ID number, phone, name or location, only masked forms and the rest.</summary>
    internal static JsonObject AuditSnapshot(RenovationCase c, PersonalDataProtector protector)
    {
        var s = Summary(c, protector);
        return new JsonObject
        {
            ["districtCode"] = c.DistrictCode,
            ["townshipCode"] = c.TownshipCode,
            ["status"] = c.Status,
            ["idNumberMasked"] = s.IdNumberMasked,
            ["phoneMasked"] = s.PhoneMasked,
            ["disabilityCategory"] = c.DisabilityCategory,
            ["disabilityGrade"] = (int)c.DisabilityGrade,
            ["eligibility"] = c.Eligibility,
            ["barriers"] = new JsonArray(c.Barriers.Select(b => (JsonNode?)JsonValue.Create(b)).ToArray()),
            ["items"] = c.Items.DeepClone(),
            ["costEstimate"] = c.CostEstimate,
            ["subsidy"] = c.Subsidy,
            ["ownContribution"] = c.OwnContribution,
            ["finalCost"] = c.FinalCost,
            ["contractor"] = c.Contractor,
            ["satisfaction"] = c.Satisfaction,
            ["closingReason"] = c.ClosingReason,
        };
    }

    internal static async Task<RenovationCaseDetail> DetailAsync(
        RenovationCase c, ClaimsPrincipal user, RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, CancellationToken ct)
    {
        var events = await db.RenovationCaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new RenovationEventResponse(e.FromStatus, e.ToStatus, e.At, e.Actor, e.Role, e.Note)).ToListAsync(ct);
        return new RenovationCaseDetail
        {
            Id = c.Id,
            DistrictCode = c.DistrictCode,
            TownshipCode = c.TownshipCode,
            Status = c.Status,
            StatusChangedAt = c.StatusChangedAt,
            PersonName = c.PersonName,
            IdNumber = protector.Decrypt(c.IdNumberCipher, RenovationCaseRules.IdField),
            Phone = c.PhoneCipher is null ? null : protector.Decrypt(c.PhoneCipher, RenovationCaseRules.PhoneField),
            BirthYear = c.BirthYear,
            DisabilityCategory = c.DisabilityCategory,
            DisabilityGrade = c.DisabilityGrade,
            MobilityAids = c.MobilityAids,
            Eligibility = c.Eligibility,
            LivesAlone = c.LivesAlone,
            Address = c.Address,
            Location = [c.Location.X, c.Location.Y],
            Barriers = c.Barriers,
            AssessmentNote = c.AssessmentNote,
            Items = (JsonArray)c.Items.DeepClone(),
            SuggestedItems = catalog.Suggest(c.Barriers, c.DisabilityCategory),
            CostEstimate = c.CostEstimate,
            Subsidy = c.Subsidy,
            OwnContribution = c.OwnContribution,
            FinalCost = c.FinalCost,
            Contractor = c.Contractor,
            PhotosBefore = c.PhotosBefore,
            PhotosAfter = c.PhotosAfter,
            AcceptanceNote = c.AcceptanceNote,
            Satisfaction = c.Satisfaction,
            SatisfactionComment = c.SatisfactionComment,
            ClosingReason = c.ClosingReason,
            IdentifiedOn = c.IdentifiedOn,
            ApprovedAt = c.ApprovedAt,
            ContractedAt = c.ContractedAt,
            CompletedAt = c.CompletedAt,
            AcceptedAt = c.AcceptedAt,
            Source = c.Source,
            Version = c.Version,
            Events = events,
            NextSteps = RenovationWorkflow.From(c.Status).Where(t => t.Roles.Any(user.IsInRole)).Select(t => t.To).ToList(),
        };
    }
}
