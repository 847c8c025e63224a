using System.Text.Json;
using Lawline.Server.Agents;
using Lawline.Server.Callers;
using Lawline.Server.Knowledge;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.Sms;
using Lawline.Server.Taxonomy;
using Lawline.Server.Routing;
using Lawline.Server.Routing.Ivr;
using Lawline.Server.Telephony;
using Lawline.Server.WorkOrders;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Lawline.Server.Data;

/// <summary>
/// The one database context. Every platform-owned set is filtered to the current user's platform subtree
/// (<see cref="CurrentUser.VisiblePlatformIds"/>), and every change is written to the audit log in the
/// same transaction as the change itself.
/// </summary>
/// <summary>Records that are their own history (work-order events, taxonomy revisions) or bookkeeping: not copied into the audit log.</summary>
public interface INotAudited;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options, CurrentUser currentUser, TimeProvider clock, DatabaseWriteGate writeGate)
    : IdentityDbContext<AppUser, IdentityRole<int>, int>(options)
{
    public DbSet<Platform> Platforms => Set<Platform>();
    public DbSet<Skill> Skills => Set<Skill>();
    public DbSet<Seat> Seats => Set<Seat>();
    public DbSet<LawFirm> LawFirms => Set<LawFirm>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<Caller> Callers => Set<Caller>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ConsultationCategory> Categories => Set<ConsultationCategory>();
    public DbSet<CategoryRevision> CategoryRevisions => Set<CategoryRevision>();
    public DbSet<WorkOrder> WorkOrders => Set<WorkOrder>();
    public DbSet<WorkOrderEvent> WorkOrderEvents => Set<WorkOrderEvent>();
    public DbSet<WorkOrderSequence> WorkOrderSequences => Set<WorkOrderSequence>();
    public DbSet<WorkOrderTimeLimit> WorkOrderTimeLimits => Set<WorkOrderTimeLimit>();
    public DbSet<SipAccount> SipAccounts => Set<SipAccount>();
    public DbSet<CallRecord> CallRecords => Set<CallRecord>();
    public DbSet<IvrFlowVersion> IvrFlowVersions => Set<IvrFlowVersion>();
    public DbSet<AgentStateLog> AgentStateLogs => Set<AgentStateLog>();
    public DbSet<CallbackTask> CallbackTasks => Set<CallbackTask>();
    public DbSet<DutyRosterEntry> DutyRoster => Set<DutyRosterEntry>();
    public DbSet<SeatSession> SeatSessions => Set<SeatSession>();
    public DbSet<Routing.Live.WallDisplay> WallDisplays => Set<Routing.Live.WallDisplay>();
    public DbSet<KnowledgeArticle> KnowledgeArticles => Set<KnowledgeArticle>();
    public DbSet<KnowledgeSynonym> KnowledgeSynonyms => Set<KnowledgeSynonym>();
    public DbSet<KnowledgeSearchGap> KnowledgeSearchGaps => Set<KnowledgeSearchGap>();
    public DbSet<SmsMessage> SmsMessages => Set<SmsMessage>();
    public DbSet<SmsTemplate> SmsTemplates => Set<SmsTemplate>();
    public DbSet<SmsOptOut> SmsOptOuts => Set<SmsOptOut>();
    public DbSet<SelfService.SelfServiceSession> SelfServiceSessions => Set<SelfService.SelfServiceSession>();
    public DbSet<Satisfaction.SurveyInvitation> SurveyInvitations => Set<Satisfaction.SurveyInvitation>();
    public DbSet<Analytics.RollupMark> RollupMarks => Set<Analytics.RollupMark>();
    public DbSet<Analytics.CallDayStat> CallDayStats => Set<Analytics.CallDayStat>();
    public DbSet<Analytics.CallHourStat> CallHourStats => Set<Analytics.CallHourStat>();
    public DbSet<Analytics.CallRegionStat> CallRegionStats => Set<Analytics.CallRegionStat>();
    public DbSet<Analytics.WorkOrderDayStat> WorkOrderDayStats => Set<Analytics.WorkOrderDayStat>();
    public DbSet<Analytics.WorkOrderMonthStat> WorkOrderMonthStats => Set<Analytics.WorkOrderMonthStat>();
    public DbSet<Analytics.WorkOrderRegionStat> WorkOrderRegionStats => Set<Analytics.WorkOrderRegionStat>();
    public DbSet<Analytics.PlatformDayStat> PlatformDayStats => Set<Analytics.PlatformDayStat>();
    public DbSet<Analytics.AgentDayStat> AgentDayStats => Set<Analytics.AgentDayStat>();
    public DbSet<Satisfaction.SatisfactionRating> SatisfactionRatings => Set<Satisfaction.SatisfactionRating>();
    public DbSet<Satisfaction.CallbackRule> CallbackRules => Set<Satisfaction.CallbackRule>();
    public DbSet<CallbackAttempt> CallbackAttempts => Set<CallbackAttempt>();
    public DbSet<Complaints.ComplaintCase> ComplaintCases => Set<Complaints.ComplaintCase>();
    public DbSet<Commendations.Commendation> Commendations => Set<Commendations.Commendation>();
    public DbSet<Analytics.Monitoring.MonitoringAlert> MonitoringAlerts => Set<Analytics.Monitoring.MonitoringAlert>();
    public DbSet<Analytics.Monitoring.MonitoringSettings> MonitoringSettings => Set<Analytics.Monitoring.MonitoringSettings>();
    public DbSet<Analytics.TermDayStat> TermDayStats => Set<Analytics.TermDayStat>();
    public DbSet<Analytics.TermMonthStat> TermMonthStats => Set<Analytics.TermMonthStat>();
    public DbSet<Analytics.Topics.SavedTopic> SavedTopics => Set<Analytics.Topics.SavedTopic>();
    public DbSet<Analytics.Reports.GeneratedReport> GeneratedReports => Set<Analytics.Reports.GeneratedReport>();

    public CurrentUser CurrentUser => currentUser;

    private List<Action>? afterCommit;

    /// <summary>
    /// Runs <paramref name="action"/> once what was saved is visible to others: now when no transaction is open, else
    /// when the <see cref="WriteTransaction"/> commits (never when it rolls back). For wake-ups of background workers,
    /// which would otherwise look before the commit and find nothing.
    /// </summary>
    public void AfterCommit(Action action)
    {
        if (Database.CurrentTransaction is null)
        {
            action();
            return;
        }

        (afterCommit ??= []).Add(action);
    }

    internal void RunAfterCommit()
    {
        var actions = afterCommit;
        afterCommit = null;
        foreach (var action in actions ?? [])
        {
            action();
        }
    }

    internal void ForgetAfterCommit() => afterCommit = null;

    /// <summary>Starts a transaction for several writes that must succeed or fail together (see <see cref="DatabaseWriteGate"/>).</summary>
    public Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken = default)
        => WriteTransaction.BeginAsync(this, writeGate.Gate, cancellationToken);

    // Read by the query filters; EF Core evaluates these per query on this context instance.
    private bool ScopeIsUnrestricted => currentUser.IsUnrestricted;
    private IReadOnlyList<int> ScopePlatformIds => currentUser.VisiblePlatformIds;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        IvrFlowVersionConfiguration.ApplyTo(builder);

        builder.Entity<Platform>().HasQueryFilter(p => ScopeIsUnrestricted || ScopePlatformIds.Contains(p.Id));
        FilterByPlatform<Seat>(builder);
        FilterByPlatform<LawFirm>(builder);
        FilterByPlatform<Agent>(builder);
        FilterByPlatform<Caller>(builder);
        FilterByPlatform<WorkOrder>(builder);
        FilterByPlatform<WorkOrderEvent>(builder);
        FilterByPlatform<SipAccount>(builder);
        FilterByPlatform<CallRecord>(builder);
        FilterByPlatform<IvrFlowVersion>(builder);
        FilterByPlatform<AgentStateLog>(builder);
        FilterByPlatform<CallbackTask>(builder);
        FilterByPlatform<DutyRosterEntry>(builder);
        FilterByPlatform<SeatSession>(builder);
        FilterByPlatform<Routing.Live.WallDisplay>(builder);
        FilterByPlatform<SelfService.SelfServiceSession>(builder);
        // Knowledge shared by every platform has no platform; a platform's own entries follow the usual scope.
        builder.Entity<KnowledgeArticle>().HasQueryFilter(a =>
            ScopeIsUnrestricted || a.PlatformId == null || ScopePlatformIds.Contains(a.PlatformId.Value));
        builder.Entity<KnowledgeSearchGap>().HasQueryFilter(g =>
            ScopeIsUnrestricted || (g.PlatformId != null && ScopePlatformIds.Contains(g.PlatformId.Value)));
        FilterByPlatform<SmsMessage>(builder);
        FilterByPlatform<Satisfaction.SurveyInvitation>(builder);
        FilterByPlatform<Analytics.CallDayStat>(builder);
        FilterByPlatform<Analytics.CallHourStat>(builder);
        FilterByPlatform<Analytics.CallRegionStat>(builder);
        FilterByPlatform<Analytics.WorkOrderDayStat>(builder);
        FilterByPlatform<Analytics.WorkOrderMonthStat>(builder);
        FilterByPlatform<Analytics.WorkOrderRegionStat>(builder);
        FilterByPlatform<Analytics.PlatformDayStat>(builder);
        FilterByPlatform<Analytics.AgentDayStat>(builder);
        FilterByPlatform<Satisfaction.SatisfactionRating>(builder);
        FilterByPlatform<Satisfaction.CallbackRule>(builder);
        FilterByPlatform<CallbackAttempt>(builder);
        FilterByPlatform<Complaints.ComplaintCase>(builder);
        FilterByPlatform<Commendations.Commendation>(builder);
        FilterByPlatform<Analytics.Monitoring.MonitoringAlert>(builder);
        FilterByPlatform<Analytics.Monitoring.MonitoringSettings>(builder);
        FilterByPlatform<Analytics.TermDayStat>(builder);
        FilterByPlatform<Analytics.TermMonthStat>(builder);
        FilterByPlatform<Analytics.Topics.SavedTopic>(builder);
        FilterByPlatform<Analytics.Reports.GeneratedReport>(builder);
        // Default templates (no platform) are everyone's; a platform's own templates are its subtree's.
        builder.Entity<SmsTemplate>().HasQueryFilter(t => t.PlatformId == null || ScopeIsUnrestricted || ScopePlatformIds.Contains(t.PlatformId.Value));
        builder.Entity<AuditEntry>().HasQueryFilter(a =>
            ScopeIsUnrestricted || (a.PlatformId != null && ScopePlatformIds.Contains(a.PlatformId.Value)));
    }

    private void FilterByPlatform<T>(ModelBuilder builder) where T : class, IPlatformOwned
        => builder.Entity<T>().HasQueryFilter(e => ScopeIsUnrestricted || ScopePlatformIds.Contains(e.PlatformId));

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Strings are Unicode everywhere; enums are stored as their names so the data reads well in SQL.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        if (Database.IsSqlite())
        {
            // SQLite has no date type: store instants as sortable integers so they can be compared and ordered.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    /// <summary>Records that a person saw personal data. Saved with the next <see cref="SaveChangesAsync(CancellationToken)"/>.</summary>
    public void AuditRead(string entityType, object entityId, int? platformId, string what)
        => AuditEntries.Add(NewEntry(AuditAction.ReadPersonalData, entityType, entityId.ToString(), platformId, what));

    public void AuditEvent(AuditAction action, string entityType, object? entityId, int? platformId, string? details)
        => AuditEntries.Add(NewEntry(action, entityType, entityId?.ToString(), platformId, details));

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        // The days whose rollups this change touches are marked in the same save (Analytics: nothing missed).
        Analytics.RollupMarker.Mark(this);
        var pending = CaptureChanges();
        if (pending.Count == 0)
        {
            if (Database.CurrentTransaction is not null || writeGate.Gate is null)
            {
                return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
            await writeGate.Gate.WaitAsync(cancellationToken);
            try
            {
                return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
            finally
            {
                writeGate.Gate.Release();
            }
        }

        // Keys of new rows exist only after the insert, so the change and its audit lines share one transaction.
        var ownsTransaction = Database.CurrentTransaction is null;
        await using var transaction = ownsTransaction ? await BeginWriteAsync(cancellationToken) : null;
        var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        foreach (var change in pending)
        {
            AuditEntries.Add(NewEntry(change.Action, change.EntityType, change.KeyOf(), PlatformOf(change.Entry.Entity), change.Details));
        }
        await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return written;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
        => throw new NotSupportedException("Use SaveChangesAsync so that changes are audited.");

    private AuditEntry NewEntry(AuditAction action, string entityType, string? entityId, int? platformId, string? details) => new()
    {
        At = clock.GetUtcNow(),
        UserId = currentUser.UserId,
        UserName = currentUser.UserName,
        Action = action,
        EntityType = entityType,
        EntityId = entityId,
        PlatformId = platformId,
        Details = details,
        RemoteAddress = currentUser.RemoteAddress,
    };

    private List<PendingChange> CaptureChanges()
    {
        var changes = new List<PendingChange>();
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Entity is AuditEntry or INotAudited || entry.State is EntityState.Unchanged or EntityState.Detached
                || entry.Metadata.IsOwned() || entry.Metadata.ClrType == typeof(Dictionary<string, object>))
            {
                continue;
            }
            var action = entry.State switch
            {
                EntityState.Added => AuditAction.Create,
                EntityState.Deleted => AuditAction.Delete,
                _ => AuditAction.Update,
            };
            var details = Describe(entry, action);
            if (action == AuditAction.Update && details is null)
            {
                continue;
            }
            changes.Add(new PendingChange(entry, action, entry.Metadata.ClrType.Name, details));
        }
        return changes;
    }

    private static int? PlatformOf(object entity) => entity switch
    {
        IPlatformOwned owned => owned.PlatformId,
        Platform platform => platform.Id,
        AppUser user => user.PlatformId,
        KnowledgeArticle article => article.PlatformId,
        _ => null,
    };

    // Personal values and secrets never reach the audit log in clear; the log says that they changed.
    private static readonly HashSet<string> MaskedEverywhere =
        [nameof(AppUser.PasswordHash), nameof(AppUser.SecurityStamp), nameof(AppUser.ConcurrencyStamp),
         nameof(AppUser.PhoneNumber), nameof(AppUser.Email), nameof(AppUser.NormalizedEmail),
         nameof(Caller.PhoneE164), nameof(Agent.MobileE164), nameof(LawFirm.ContactPhone),
         nameof(WorkOrder.CallerPhoneE164), nameof(WorkOrder.CallerName),
         nameof(SipAccount.Md5Ha1), nameof(SipAccount.Sha256Ha1)];

    private static bool IsMasked(Type entity, string property)
        => MaskedEverywhere.Contains(property) || (entity == typeof(Caller) && property is nameof(Caller.Name) or nameof(Caller.Notes));

    private static readonly JsonSerializerOptions AuditJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static readonly HashSet<string> Noise = [nameof(AppUser.ConcurrencyStamp), nameof(AppUser.AccessFailedCount)];

    private static string? Describe(EntityEntry entry, AuditAction action)
    {
        var values = new Dictionary<string, object?>();
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            if (action == AuditAction.Update && (!property.IsModified || Noise.Contains(name)
                || Equals(property.OriginalValue, property.CurrentValue)))
            {
                continue;
            }
            if (property.Metadata.IsPrimaryKey() && action != AuditAction.Delete)
            {
                continue;
            }
            var value = action == AuditAction.Delete ? property.OriginalValue : property.CurrentValue;
            values[name] = IsMasked(entry.Metadata.ClrType, name) ? (value is null ? null : "***") : value;
        }
        if (values.Count == 0)
        {
            return action == AuditAction.Update ? null : "{}";
        }
        return JsonSerializer.Serialize(values, AuditJson);
    }

    private sealed record PendingChange(EntityEntry Entry, AuditAction Action, string EntityType, string? Details)
    {
        public string? KeyOf()
        {
            var key = Entry.Metadata.FindPrimaryKey();
            return key is null ? null : string.Join(",", key.Properties.Select(p => Entry.Property(p.Name).CurrentValue));
        }
    }
}
