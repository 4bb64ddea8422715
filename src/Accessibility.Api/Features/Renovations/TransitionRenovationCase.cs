using System.Security.Claims;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Use case: move a case one step along its workflow, if the step is allowed from its status and to the caller's role,
/// with what the step needs (barriers recorded, contractor, final cost, acceptance note, satisfaction, a reason to close).
/// The step is written to the workflow history and the audit log.
/// </summary>
public sealed class TransitionRenovationCase(
    RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, AuditLog audit, TimeProvider clock)
{
    /// <summary>Takes the step of <paramref name="request"/> on case <paramref name="id"/>.</summary>
    public async Task<RenovationOutcome<RenovationCaseDetail>> MoveAsync(HttpContext http, long id, TransitionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var timeErrors = new FieldErrors();
        var effective = EffectiveTime.Parse(request.ValidFrom, clock, timeErrors)?.ToUniversalTime();
        if (!timeErrors.IsEmpty)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
        }

        var c = await db.RenovationCases.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !await http.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.RenovationCase, c.DistrictCode)))
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(RenovationCaseRules.NotFound(id));
        }

        var errors = new FieldErrors();
        if (!RenovationWorkflow.IsStatus(request.To))
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(
                errors.Add("to", "Required: one of " + string.Join(", ", RenovationWorkflow.All) + ".").ToResult());
        }

        var step = RenovationWorkflow.Find(c.Status, request.To!);
        if (step is null)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(OutOfOrder(c.Status, request.To!));
        }

        var role = step.Roles.FirstOrDefault(http.User.IsInRole);
        if (role is null)
        {
            return RenovationOutcome<RenovationCaseDetail>.Refused(new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Not your step",
                Detail = $"Moving a case from {step.From} to {step.To} is for: {string.Join(", ", step.Roles)}.",
                Extensions = { ["roles"] = step.Roles },
            });
        }

        if (effective is not null && await EffectiveTime.CurrentSinceAsync(await WriteResults.OpenAsync(db, ct), "renovation_cases", id, ct) is { } since)
        {
            EffectiveTime.CheckAgainst(effective, since, timeErrors);
            if (!timeErrors.IsEmpty)
            {
                return RenovationOutcome<RenovationCaseDetail>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
            }
        }

        var before = RenovationCaseViews.AuditSnapshot(c, protector);
        var reason = Text.Clean(request.Reason);
        Text.Optional(errors, "reason", reason, 1000);
        if (step.ReasonRequired && reason is null)
        {
            errors.Add("reason", $"Give the reason the case is {step.To}.");
        }

        var now = clock.GetUtcNow();
        var at = effective ?? now;
        ApplyStep(step.To, c, request, reason, at, errors);
        if (!errors.IsEmpty)
        {
            db.ChangeTracker.Clear();
            return RenovationOutcome<RenovationCaseDetail>.Refused(errors.ToResult());
        }

        c.Status = step.To;
        c.StatusChangedAt = at;
        c.UpdatedAt = now;
        RenovationCaseRules.AddEvent(db, http, c.Id, step.From, step.To, role, reason, at);
        audit.Record(http, AuditActions.Update, RenovationEndpoints.AuditEntityType, WriteResults.Id(id), before, RenovationCaseViews.AuditSnapshot(c, protector))
            .WithValidFrom(effective);
        try
        {
            // The case's new state takes effect when the step happened (docs/history.md).
            await using var transaction = await EffectiveTime.BeginAsync(db, effective, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return RenovationOutcome<RenovationCaseDetail>.Refused(RenovationCaseRules.Stale(null));
        }

        return RenovationOutcome.Success(await RenovationCaseViews.DetailAsync(c, http.User, db, protector, catalog, ct));
    }

    /// <summary>
    /// The steps a case in <paramref name="status"/> can take next: who may take each, whether <paramref name="user"/> may,
    /// and what each needs, so that a page offers each as its own action and says why one is not the user's.
    /// </summary>
    public static IReadOnlyList<NextStep> NextSteps(string status, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return RenovationWorkflow.From(status)
            .Select(t => new NextStep(t.To, t.Roles, t.Roles.Any(user.IsInRole), Needs(t), Records(t)))
            .ToList();
    }

    /// <summary>What taking <paramref name="step"/> needs: the fields it checks, on the case already (barriers) or given with the step.</summary>
    public static IReadOnlyList<string> Needs(Transition step)
    {
        ArgumentNullException.ThrowIfNull(step);
        IReadOnlyList<string> needs = step.To switch
        {
            RenovationWorkflow.Assessed => ["barriers"],
            RenovationWorkflow.Contracted => ["contractor"],
            RenovationWorkflow.Completed => ["finalCost"],
            RenovationWorkflow.FollowedUp => ["satisfaction"],
            _ => [],
        };
        return step.ReasonRequired ? [.. needs, "reason"] : needs;
    }

    /// <summary>
    /// What taking <paramref name="step"/> may record besides: the photos after the works (on the case, by editing it) and
    /// the acceptance note for the acceptance check, the comment of the follow-up, a note on any step.
    /// </summary>
    public static IReadOnlyList<string> Records(Transition step)
    {
        ArgumentNullException.ThrowIfNull(step);
        IReadOnlyList<string> records = step.To switch
        {
            RenovationWorkflow.Completed => ["photosAfter"],
            RenovationWorkflow.Accepted => ["photosAfter", "acceptanceNote"],
            RenovationWorkflow.FollowedUp => ["satisfactionComment"],
            _ => [],
        };
        return step.ReasonRequired ? records : [.. records, "reason"];
    }

    /// <summary>409: the step does not start from the case's status; names the steps that do.</summary>
    private static HttpValidationProblemDetails OutOfOrder(string current, string to)
    {
        var next = RenovationWorkflow.From(current).Select(t => t.To).ToList();
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            ["to"] = [$"A case in status {current} cannot go to {to}; " + (next.Count == 0 ? "it is closed." : "next: " + string.Join(", ", next) + ".")],
        })
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Step out of order",
            Extensions = { ["currentStatus"] = current, ["allowed"] = next },
        };
    }

    /// <summary>What reaching <paramref name="to"/> needs and records on the case; problems go to <paramref name="errors"/>.</summary>
    private static void ApplyStep(string to, RenovationCase c, TransitionRequest request, string? reason, DateTimeOffset now, FieldErrors errors)
    {
        switch (to)
        {
            case RenovationWorkflow.Assessed when c.Barriers.Count == 0:
                errors.Add("barriers", "Record the barriers the assessment found (update the case) before marking it assessed.");
                break;
            case RenovationWorkflow.Approved:
                c.ApprovedAt = now;
                break;
            case RenovationWorkflow.Contracted:
                c.Contractor = Contractor(c, request, errors);
                c.ContractedAt = now;
                break;
            case RenovationWorkflow.Completed:
                c.FinalCost = FinalCost(c, request, errors);
                c.CompletedAt = now;
                break;
            case RenovationWorkflow.Accepted:
                Text.Optional(errors, "acceptanceNote", request.AcceptanceNote, 1000);
                c.AcceptanceNote = Text.Clean(request.AcceptanceNote) ?? c.AcceptanceNote;
                c.AcceptedAt = now;
                break;
            case RenovationWorkflow.FollowedUp:
                if (request.Satisfaction is not (>= 1 and <= 5))
                {
                    errors.Add("satisfaction", "Required: satisfaction from 1 to 5.");
                }

                Text.Optional(errors, "satisfactionComment", request.SatisfactionComment, 1000);
                c.Satisfaction = (short?)request.Satisfaction;
                c.SatisfactionComment = Text.Clean(request.SatisfactionComment);
                break;
            case RenovationWorkflow.Rejected or RenovationWorkflow.Withdrawn:
                c.ClosingReason = reason;
                break;
        }
    }

    private static string? Contractor(RenovationCase c, TransitionRequest request, FieldErrors errors)
    {
        var contractor = Text.Clean(request.Contractor) ?? c.Contractor;
        Text.Optional(errors, "contractor", contractor, 200);
        if (contractor is null)
        {
            errors.Add("contractor", "Name the contractor.");
        }

        return contractor;
    }

    private static decimal? FinalCost(RenovationCase c, TransitionRequest request, FieldErrors errors)
    {
        var final = request.FinalCost ?? c.FinalCost;
        if (final is null)
        {
            errors.Add("finalCost", "Give the final cost of the works.");
        }
        else if (final < 0)
        {
            errors.Add("finalCost", "A cost cannot be below zero.");
        }

        return final;
    }
}

/// <summary>A step a case can take next.</summary>
/// <param name="To">Status it reaches.</param>
/// <param name="Roles">Roles that may take it.</param>
/// <param name="Yours">Whether the user holds one of them.</param>
/// <param name="Needs">Fields the step needs (see <see cref="TransitionRenovationCase.Needs"/>).</param>
/// <param name="Records">Fields it may record besides (see <see cref="TransitionRenovationCase.Records"/>).</param>
public sealed record NextStep(string To, IReadOnlyList<string> Roles, bool Yours, IReadOnlyList<string> Needs, IReadOnlyList<string> Records);
