using System.Text.Json;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Demo;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Features.Roads;
using Accessibility.Api.Infrastructure.History;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Data;

/// <summary>Brings a database to the current schema and fills an empty one with districts, plan targets and demo data.</summary>
public sealed class DatabaseSeeder(
    RegistryDbContext db,
    RegistryConnections connections,
    RegistryPaths paths,
    DistrictSql districtSql,
    FacilityKindCatalog kinds,
    PersonalDataProtector protector,
    ChecklistCatalog checklists,
    InspectionRecorder inspections,
    IOptions<RegistryOptions> options,
    TimeProvider clock,
    ILogger<DatabaseSeeder> logger)
{
    /// <summary>Seed of the demo generator: the same seed gives the same demo data everywhere.</summary>
    public const long DemoSeed = 20260401;

    /// <summary>Counties generated in full: the pilot districts of the seed plans and Shuozhou's.</summary>
    public static readonly IReadOnlyList<string> FullDemoCounties = ["140881", "410307", "370403"];

    /// <summary>Prefecture whose counties are all generated in full (朔州市).</summary>
    public const string FullDemoPrefecture = "140600";

    /// <summary>Applies pending migrations (as the owner), then loads whatever is missing (as the runtime role). Safe to run again.</summary>
    public async Task MigrateAndSeedAsync(CancellationToken ct = default)
    {
        await MigrateAsync(ct);
        if (!await db.Districts.AnyAsync(ct))
        {
            await LoadDistrictsAsync(ct);
        }

        if (!await db.PlanTargets.AnyAsync(ct))
        {
            await LoadPlanTargetsAsync(ct);
        }

        if (options.Value.LoadDemoData && !await db.Facilities.AnyAsync(ct))
        {
            await LoadDemoDataAsync(ct);
        }

        await SyncInspectionIntervalsAsync(ct);
        if (options.Value.LoadDemoData && !await db.Inspections.AnyAsync(ct) && await db.Facilities.AnyAsync(f => f.Source == DemoSource, ct))
        {
            await LoadDemoInspectionsAsync(ct);
        }

        if (options.Value.LoadDemoData && !await db.Reports.AnyAsync(ct) && await db.Facilities.AnyAsync(f => f.Source == DemoSource, ct))
        {
            await LoadDemoReportsAsync(ct);
        }

        // Demo households only beside demo facilities, never into a registry that holds real data.
        if (options.Value.LoadDemoData && !await db.RenovationCases.AnyAsync(ct)
            && await db.Facilities.AnyAsync(f => f.Source == DemoSource, ct))
        {
            await LoadDemoRenovationsAsync(ct);
        }

        // Synthetic township boundaries and grids for the pilot county (the township choropleth, the grid pages).
        if (options.Value.LoadDemoData && await db.Facilities.AnyAsync(f => f.Source == DemoSource && f.DistrictCode == DemoGrids.County, ct))
        {
            await DemoGrids.DrawAsync(db, ct);
        }

        // Demo construction projects only beside demo facilities, once (Features/Projects/ProjectDemo.cs).
        if (options.Value.LoadDemoData && await db.Facilities.AnyAsync(f => f.Source == DemoSource, ct))
        {
            await Features.Projects.ProjectDemo.LoadAsync(await Features.Facilities.WriteResults.OpenAsync(db, ct), ct);
        }
    }

    /// <summary>
    /// No time limit for a migration's statements: one that derives kept data (the tiles' cluster cells, say) reads every
    /// facility, minutes at province scale, and a migration cut off by the requests' 30 s is rolled back and leaves the
    /// service unable to start (found migrating a 1 M-facility database).
    /// </summary>
    private static readonly TimeSpan MigrationCommandTimeout = TimeSpan.Zero;

    /// <summary>Keeps each kept table's history in step with its columns after the migrations (docs/history.md).</summary>
    private const string SyncHistorySql = "SELECT registry_history_sync()";

    /// <summary>
    /// Migrates through the owner's own short-lived connection, then grants the runtime role its rights on whatever
    /// the migrations made; with a single configured role, that role migrates (an existing one-role installation).
    /// </summary>
    private async Task MigrateAsync(CancellationToken ct)
    {
        if (!connections.SeparateOwner)
        {
            db.Database.SetCommandTimeout(MigrationCommandTimeout);
            await db.Database.MigrateAsync(ct);
            await db.Database.ExecuteSqlRawAsync(SyncHistorySql, ct);
            return;
        }

        await using var ownerSource = DatabaseServiceCollectionExtensions.BuildDataSource(connections.Owner);
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        DatabaseServiceCollectionExtensions.UseRegistryDatabase(options, ownerSource);
        await using (var ownerDb = new RegistryDbContext(options.Options))
        {
            ownerDb.Database.SetCommandTimeout(MigrationCommandTimeout);
            await ownerDb.Database.MigrateAsync(ct);
            await ownerDb.Database.ExecuteSqlRawAsync(SyncHistorySql, ct);
        }

        await using var connection = await ownerSource.OpenConnectionAsync(ct);
        await DatabaseRoles.GrantRuntimeRightsAsync(connection, connections.RuntimeRole, ct);
    }

    /// <summary>
    /// A few synthetic public reports (new, awaiting triage) on demo facilities of the fully generated counties,
    /// without contact data, so the report pages and triage have something to show.
    /// </summary>
    private async Task LoadDemoReportsAsync(CancellationToken ct)
    {
        (string Kind, string Problem, string Text)[] samples =
        [
            ("curb_ramp", "broken", "路口缘石坡道破损，轮椅过不去（演示数据）"),
            ("tactile_paving", "parked_vehicle", "盲道上长期停放电动车（演示数据）"),
            ("accessible_toilet", "locked", "无障碍厕所白天锁着，找不到管理人员（演示数据）"),
            ("ramp", "too_steep", "入口坡道太陡，推轮椅上不去（演示数据）"),
            ("accessible_parking", "occupied", "无障碍停车位被普通车辆占用（演示数据）"),
        ];
        var kinds = samples.Select(x => x.Kind).ToList();
        var facilities = await db.Facilities.AsNoTracking()
            .Where(f => f.Source == DemoSource && f.DeletedAt == null && FullDemoCounties.Contains(f.DistrictCode) && kinds.Contains(f.Kind))
            .OrderBy(f => f.Id)
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        var reports = new List<Features.Reports.Report>();
        foreach (var county in FullDemoCounties)
        {
            foreach (var (sample, i) in samples.Select((x, i) => (x, i)))
            {
                if (facilities.FirstOrDefault(f => f.DistrictCode == county && f.Kind == sample.Kind) is not { } facility)
                {
                    continue;
                }

                var at = now.AddDays(-(i + 1) * 3);
                reports.Add(new Features.Reports.Report
                {
                    ServiceCode = sample.Kind,
                    Description = sample.Text,
                    Attributes = new System.Text.Json.Nodes.JsonObject { ["problem"] = sample.Problem },
                    Location = facility.Geometry as NetTopologySuite.Geometries.Point ?? facility.Geometry.InteriorPoint,
                    DistrictCode = facility.DistrictCode,
                    TownshipCode = facility.TownshipCode,
                    Status = Features.Reports.ReportStatuses.New,
                    FacilityId = facility.Id,
                    Source = DemoSource,
                    RequestedAt = at,
                    UpdatedAt = at,
                });
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Reports.AddRange(reports);
        await db.SaveChangesAsync(ct);
        db.ReportEvents.AddRange(reports.Select(r => new Features.Reports.ReportEvent
        {
            ReportId = r.Id,
            At = r.RequestedAt,
            ToStatus = Features.Reports.ReportStatuses.New,
            Note = "演示数据 / demo",
        }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Copies each kind's inspection interval from the catalog into the database, where SQL computes due dates.</summary>
    private async Task SyncInspectionIntervalsAsync(CancellationToken ct)
    {
        _ = checklists; // resolving the catalog validates data/checklists.json at start-up
        var connection = await Features.Facilities.WriteResults.OpenAsync(db, ct);
        await InspectionSql.SyncIntervalsAsync(connection, kinds.Kinds.Select(k => (k.Code, k.InspectionIntervalMonths)).ToList(), ct);
    }

    /// <summary>
    /// A few synthetic inspections of demo facilities of the fully generated counties (with the defects they find),
    /// some re-inspected after repair (verified), then some of the rest assigned and fixed, so that every list and figure has something to show.
    /// </summary>
    private async Task LoadDemoInspectionsAsync(CancellationToken ct)
    {
        var facilities = await db.Facilities.AsNoTracking()
            .Where(f => f.Source == DemoSource && f.DeletedAt == null && FullDemoCounties.Contains(f.DistrictCode))
            .OrderBy(f => f.Id)
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        var demoActor = new Actor(null, "demo");
        var drafts = DemoInspections.Generate(facilities, checklists, now);
        foreach (var draft in drafts)
        {
            await inspections.RecordAsync(draft, demoActor, null, ct);
        }

        // Move some defects along their lifecycle: every second assigned, every third of those fixed.
        var defects = await db.Defects.Where(d => d.Status == DefectStatuses.Open).OrderBy(d => d.Id).ToListAsync(ct);
        foreach (var (defect, i) in defects.Select((d, i) => (d, i)).Where(x => x.i % 2 == 0))
        {
            var assignedAt = defect.CreatedAt.AddDays(1);
            defect.Events.Add(InspectionRecorder.Event(demoActor, assignedAt, DefectStatuses.Open, DefectStatuses.Assigned, "示例数据：已交办 " + defect.ManagingUnit, null));
            defect.Status = DefectStatuses.Assigned;
            if (i % 3 == 0)
            {
                defect.Events.Add(InspectionRecorder.Event(demoActor, assignedAt.AddDays(2 + (i % 9)), DefectStatuses.Assigned, DefectStatuses.Fixed, "示例数据：已整改", null));
                defect.Status = DefectStatuses.Fixed;
            }

            defect.UpdatedAt = now;
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Generated demo inspections: {Inspections} inspections; {Open} defects left open, some assigned or fixed (source = demo).", drafts.Count, defects.Count);
    }

    /// <summary>
    /// Generates the synthetic renovation cases of the pilot counties (<see cref="RenovationDemoGenerator"/>),
    /// encrypting their ID and phone numbers as real ones, with one workflow event per step (actor <c>demo</c>).
    /// </summary>
    public async Task LoadDemoRenovationsAsync(CancellationToken ct = default)
    {
        var counties = await db.Districts.AsNoTracking()
            .Where(d => RenovationDemoGenerator.Sizes.Keys.Contains(d.Code) && d.Boundary != null)
            .OrderBy(d => d.Code).ToListAsync(ct);
        var total = 0;
        foreach (var county in counties)
        {
            foreach (var demo in RenovationDemoGenerator.Generate(county.Code, county.Name, county.Boundary!, DemoSeed))
            {
                var last = demo.Steps[^1].At;
                DateTimeOffset? StepAt(string status) => demo.Steps.Where(s => s.Status == status).Select(s => (DateTimeOffset?)s.At).FirstOrDefault();
                var c = new RenovationCase
                {
                    DistrictCode = demo.DistrictCode,
                    Status = demo.Steps[0].Status,
                    StatusChangedAt = demo.Steps[0].At,
                    PersonName = demo.PersonName,
                    IdNumberCipher = protector.Encrypt(demo.IdNumber, "id_number"),
                    IdNumberHash = protector.Hash(demo.IdNumber),
                    PhoneCipher = protector.Encrypt(demo.Phone, "phone"),
                    BirthYear = demo.BirthYear,
                    DisabilityCategory = demo.DisabilityCategory,
                    DisabilityGrade = demo.DisabilityGrade,
                    Eligibility = demo.Eligibility,
                    LivesAlone = demo.LivesAlone,
                    Address = demo.Address,
                    Location = demo.Location,
                    Barriers = demo.Barriers.ToList(),
                    IdentifiedOn = demo.IdentifiedOn,
                    CostEstimate = demo.CostEstimate,
                    Subsidy = demo.Subsidy,
                    FinalCost = StepAt(RenovationWorkflow.Completed) is null ? null : demo.CostEstimate,
                    Contractor = StepAt(RenovationWorkflow.Contracted) is null ? null : "演示施工单位",
                    Satisfaction = demo.Satisfaction,
                    ClosingReason = RenovationWorkflow.Closed.Contains(demo.Status) ? "演示数据" : null,
                    ApprovedAt = StepAt(RenovationWorkflow.Approved),
                    ContractedAt = StepAt(RenovationWorkflow.Contracted),
                    CompletedAt = StepAt(RenovationWorkflow.Completed),
                    AcceptedAt = StepAt(RenovationWorkflow.Accepted),
                    Source = DemoSource,
                    CreatedAt = demo.Steps[0].At,
                    UpdatedAt = last,
                };
                // The case's history as it happened: registered on its first step's day, each later step a version
                // from its own day (as-of reads, docs/history.md).
                await using (var registered = await EffectiveTime.BeginAsync(db, Past(demo.Steps[0].At), ct))
                {
                    db.RenovationCases.Add(c);
                    await db.SaveChangesAsync(ct);
                    await registered.CommitAsync(ct);
                }

                foreach (var (status, at) in demo.Steps.Skip(1))
                {
                    await using var step = await EffectiveTime.BeginAsync(db, Past(at), ct);
                    c.Status = status;
                    c.StatusChangedAt = at;
                    await db.SaveChangesAsync(ct);
                    await step.CommitAsync(ct);
                }

                string? from = null;
                foreach (var (status, at) in demo.Steps)
                {
                    db.RenovationCaseEvents.Add(new RenovationCaseEvent
                    {
                        CaseId = c.Id,
                        FromStatus = from,
                        ToStatus = status,
                        At = at,
                        Actor = "demo",
                        Role = "demo",
                        Note = RenovationWorkflow.Closed.Contains(status) ? "演示数据" : null,
                    });
                    from = status;
                }

                total++;
            }
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Generated {Count} demo renovation cases (source = demo).", total);
    }

    private async Task LoadDistrictsAsync(CancellationToken ct)
    {
        var catalog = DistrictCatalog.Load(paths.NodeModulesDir(), paths.DataDir);
        foreach (var line in catalog.BoundaryMatchReport.RepairedGeometries)
        {
            logger.LogInformation("Boundary repaired (self-intersections from coordinate rounding): {District}", line);
        }

        db.Districts.AddRange(catalog.Districts.Select(d => new District
        {
            Code = DistrictCodes.Normalize(d.Code),
            Name = d.Name,
            Level = d.Level,
            ParentCode = d.ParentCode is null ? null : DistrictCodes.Normalize(d.ParentCode),
            Boundary = d.Boundary,
            BoundaryApproximate = d.BoundaryApproximate,
            BoundarySource = d.BoundarySource,
        }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        // Every county of each loaded prefecture is loaded, so their union is the prefecture; of the provinces
        // only Shanxi has all its prefectures here, so only Shanxi gets a province boundary.
        var prefectures = DistrictCatalog.Prefectures.Select(p => DistrictCodes.Normalize(p.Code)).ToList();
        await districtSql.DeriveParentBoundariesAsync(DistrictLevel.Prefecture, prefectures, ct);
        await districtSql.DeriveParentBoundariesAsync(DistrictLevel.Province, ["140000"], ct);
        logger.LogInformation("Loaded {Count} districts ({WithBoundary} with boundaries).",
            catalog.Districts.Count, catalog.Districts.Count(d => d.Boundary is not null));
    }

    /// <summary>A generated time, never after now (a write cannot take effect in the future).</summary>
    private DateTimeOffset Past(DateTimeOffset at) => at < clock.GetUtcNow() ? at : clock.GetUtcNow();

    private async Task LoadPlanTargetsAsync(CancellationToken ct)
    {
        await using var file = File.OpenRead(Path.Combine(paths.DataDir, "plan-targets.json"));
        var seed = await JsonSerializer.DeserializeAsync<PlanTargetSeedFile>(file, SeedJson, ct)
            ?? throw new InvalidDataException("plan-targets.json is empty.");

        // A plan's targets are in force from the first day of its period (as-of reads, docs/history.md), not from
        // the day this registry loaded them.
        foreach (var period in seed.Targets.GroupBy(t => t.PeriodStart).OrderBy(g => g.Key))
        {
            await using var transaction = await EffectiveTime.BeginAsync(
                db, new DateTimeOffset(new DateTime(period.Key, 1, 1), AsOf.ChinaStandardTime), ct);
            AddPlanTargets(period);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    private void AddPlanTargets(IEnumerable<PlanTargetSeed> targets)
    {
        db.PlanTargets.AddRange(targets.Select(t => new PlanTarget
        {
            DistrictCode = t.DistrictCode,
            Indicator = t.Indicator,
            Title = t.Title,
            Kind = t.Kind,
            Value = t.Value,
            Comparator = t.Comparator,
            Unit = t.Unit,
            PeriodStart = t.PeriodStart,
            PeriodEnd = t.PeriodEnd,
            Binding = t.Binding,
            SourceDocument = t.SourceDocument,
            SourceTable = t.SourceTable,
            Note = t.Note,
        }));
    }

    private async Task LoadDemoDataAsync(CancellationToken ct)
    {
        var counties = await db.Districts.AsNoTracking()
            .Where(d => d.Level == DistrictLevel.County && d.Boundary != null
                && (d.Code.StartsWith("14") || FullDemoCounties.Contains(d.Code)))
            .OrderBy(d => d.Code)
            .ToListAsync(ct);
        var townships = await db.Districts.AsNoTracking()
            .Where(d => d.Level == DistrictLevel.Township)
            .Select(d => new { d.Code, d.Name, d.ParentCode })
            .ToListAsync(ct);
        var byCounty = townships.ToLookup(t => t.ParentCode ?? "", StringComparer.Ordinal);
        var fullPrefix = DistrictScope.Prefix(FullDemoPrefecture);
        var inputs = counties.Select(c => new DemoDistrict(
            c.Code,
            c.Name,
            c.Boundary!,
            byCounty[c.Code].Select(t => (t.Code, t.Name)).ToList(),
            FullDemoCounties.Contains(c.Code) || c.Code.StartsWith(fullPrefix, StringComparison.Ordinal) ? DemoDensity.Full : DemoDensity.Light));
        var demo = DemoGenerator.Generate(inputs, kinds, DemoSeed);

        // Demo records took effect over the plan period (DemoGenerator.EffectiveDate), each quarter's in one transaction
        // whose writes the history triggers stamp with that date, so a past year's annual report has a smaller registry.
        var now = clock.GetUtcNow();
        DateTimeOffset Effective(string externalId)
        {
            var at = new DateTimeOffset(DemoGenerator.EffectiveDate(externalId).ToDateTime(TimeOnly.MinValue), AsOf.ChinaStandardTime)
                .ToUniversalTime(); // Npgsql writes timestamptz from UTC values only
            return at < now ? at : now;
        }

        var facilitiesByDate = demo.Facilities.ToLookup(f => Effective(f.ExternalId));
        var roadsByDate = demo.Roads.ToLookup(r => Effective(r.ExternalId));
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var at in facilitiesByDate.Select(g => g.Key).Union(roadsByDate.Select(g => g.Key)).Order())
        {
            await using var transaction = await EffectiveTime.BeginAsync(db, at, ct);
            db.Facilities.AddRange(facilitiesByDate[at].Select(f => new Facility
            {
                Kind = f.Kind,
                Name = f.Name,
                Geometry = f.Geometry,
                Attributes = f.Attributes,
                Status = f.Status,
                ManagingUnit = f.ManagingUnit,
                DistrictCode = f.DistrictCode,
                Source = DemoSource,
                ExternalId = f.ExternalId,
                CreatedAt = at,
                UpdatedAt = at,
            }));
            db.RoadSegments.AddRange(roadsByDate[at].Select(r => new RoadSegment
            {
                Name = r.Name,
                RoadClass = r.RoadClass,
                Geometry = r.Geometry,
                SidewalkWidthM = r.SidewalkWidthM,
                CurbRampStart = r.CurbRampStart,
                CurbRampEnd = r.CurbRampEnd,
                TactilePaving = r.TactilePaving,
                Surface = r.Surface,
                DistrictCode = r.DistrictCode,
                Source = DemoSource,
                ExternalId = r.ExternalId,
                CreatedAt = at,
                UpdatedAt = at,
            }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }

        db.ChangeTracker.AutoDetectChangesEnabled = true;
        logger.LogInformation("Generated demo data: {Facilities} facilities and {Roads} road segments in {Districts} counties (source = demo).",
            demo.Facilities.Count, demo.Roads.Count, counties.Count);
    }

    /// <summary>The <c>source</c> of every generated record.</summary>
    public const string DemoSource = "demo";

    private static readonly JsonSerializerOptions SeedJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private sealed record PlanTargetSeedFile(string Source, List<PlanTargetSeed> Targets);

    private sealed record PlanTargetSeed(
        string DistrictCode, string Indicator, string Title, PlanTargetKind Kind, decimal Value, string Comparator, string? Unit,
        int PeriodStart, int PeriodEnd, bool Binding, string SourceDocument, string? SourceTable, string? Note);
}
