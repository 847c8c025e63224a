using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Analytics.Monitoring;

public sealed record MonitoringAlertDto(
    int Id,
    int PlatformId,
    string PlatformName,
    MonitoringAlertKind Kind,
    string Subject,
    int Value,
    double Baseline,
    int WindowDays,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    MonitoringAlertStatus Status,
    int? AssigneeUserId,
    string? AssigneeName,
    string? FollowUpNote,
    DateTimeOffset? FollowedUpAt,
    string? ClosedBy,
    DateTimeOffset? ClosedAt,
    long? CallRecordId,
    string Link);

public sealed record MonitoringAlertQuery(MonitoringAlertKind? Kind = null, MonitoringAlertStatus? Status = null, int? Platform = null, bool OpenOnly = false);

public sealed record AssignAlertRequest(int? UserId);

public sealed record FollowUpAlertRequest(string Note);

public sealed record CloseAlertRequest(string? Note);

public sealed record MonitoringSettingsDto(int PlatformId, int RepeatCalls, int RepeatWindowDays, double SurgeRatio, int SurgeMinimum);

public sealed record SaveMonitoringSettingsRequest(int RepeatCalls, int RepeatWindowDays, double SurgeRatio, int SurgeMinimum);

/// <summary>The alerts of the signed-in person's platforms and their follow-up (assign, record what was done, close).</summary>
public sealed class MonitoringService(AppDbContext db, CurrentUser me, TimeProvider time)
{
    public async Task<IReadOnlyList<MonitoringAlertDto>> ListAsync(MonitoringAlertQuery query, CancellationToken cancellationToken)
    {
        var alerts = db.MonitoringAlerts.AsNoTracking();
        if (query.Kind is { } kind)
        {
            alerts = alerts.Where(a => a.Kind == kind);
        }

        if (query.Status is { } status)
        {
            alerts = alerts.Where(a => a.Status == status);
        }
        else if (query.OpenOnly)
        {
            alerts = alerts.Where(a => a.Status != MonitoringAlertStatus.Closed);
        }

        if (query.Platform is { } platform)
        {
            alerts = alerts.Where(a => a.PlatformId == platform);
        }

        var rows = await alerts.OrderByDescending(a => a.Id).Take(500).ToListAsync(cancellationToken);
        var ids = rows.Select(a => a.PlatformId).Distinct().ToList();
        var names = await db.Platforms.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        return [.. rows.Select(a => ToDto(a, names.GetValueOrDefault(a.PlatformId, "")))];
    }

    /// <summary>A repeat caller's link carries the full number: only for roles that may see it.</summary>
    private MonitoringAlertDto ToDto(MonitoringAlert a, string platformName)
    {
        var dto = ToDto(a, platformName, me.CanSeeFullCallerDetails);
        return dto;
    }

    public async Task<MonitoringAlertDto> AssignAsync(int id, AssignAlertRequest request, CancellationToken cancellationToken)
    {
        var userId = request.UserId ?? me.UserId ?? throw new ValidationFailedException(nameof(request.UserId), "Choose who follows the alert up.");
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Id, u.DisplayName, u.UserName }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new ValidationFailedException(nameof(request.UserId), "No such user.");
        return await ChangeAsync(id, alert =>
        {
            alert.AssigneeUserId = user.Id;
            alert.AssigneeName = user.DisplayName.Length > 0 ? user.DisplayName : user.UserName;
            if (alert.Status == MonitoringAlertStatus.Open)
            {
                alert.Status = MonitoringAlertStatus.Assigned;
            }
        }, cancellationToken);
    }

    public Task<MonitoringAlertDto> FollowUpAsync(int id, FollowUpAlertRequest request, CancellationToken cancellationToken)
    {
        var note = request.Note?.Trim() ?? "";
        if (note.Length == 0)
        {
            throw new ValidationFailedException(nameof(request.Note), "Say what was done (who called back, which lawyer was assigned).");
        }

        if (note.Length > 2000)
        {
            throw new ValidationFailedException(nameof(request.Note), "At most 2000 characters.");
        }

        return ChangeAsync(id, alert =>
        {
            alert.FollowUpNote = note;
            alert.FollowedUpAt = time.GetUtcNow();
            alert.Status = MonitoringAlertStatus.FollowedUp;
            alert.AssigneeUserId ??= me.UserId;
            alert.AssigneeName ??= me.DisplayName.Length > 0 ? me.DisplayName : me.UserName;
        }, cancellationToken);
    }

    public Task<MonitoringAlertDto> CloseAsync(int id, CloseAlertRequest request, CancellationToken cancellationToken)
    {
        var note = request.Note?.Trim();
        if (note is { Length: > 2000 })
        {
            throw new ValidationFailedException(nameof(request.Note), "At most 2000 characters.");
        }

        return ChangeAsync(id, alert =>
        {
            if (!string.IsNullOrEmpty(note))
            {
                alert.FollowUpNote = note;
                alert.FollowedUpAt ??= time.GetUtcNow();
            }

            alert.Status = MonitoringAlertStatus.Closed;
            alert.ClosedAt = time.GetUtcNow();
            alert.ClosedBy = me.DisplayName.Length > 0 ? me.DisplayName : me.UserName;
        }, cancellationToken);
    }

    private async Task<MonitoringAlertDto> ChangeAsync(int id, Action<MonitoringAlert> change, CancellationToken cancellationToken)
    {
        await using var tx = await db.BeginWriteAsync(cancellationToken);
        var alert = await db.MonitoringAlerts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new NotFoundException("Alert", id);
        if (alert.Status == MonitoringAlertStatus.Closed)
        {
            throw new ConflictException("The alert is closed.", "status");
        }

        change(alert);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        var name = await db.Platforms.AsNoTracking().Where(p => p.Id == alert.PlatformId).Select(p => p.Name).SingleAsync(cancellationToken);
        return ToDto(alert, name);
    }

    public async Task<MonitoringSettingsDto> SettingsAsync(int platformId, CancellationToken cancellationToken)
    {
        if (!await db.Platforms.AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            throw new NotFoundException("Platform", platformId);
        }

        var s = await db.MonitoringSettings.AsNoTracking().SingleOrDefaultAsync(x => x.PlatformId == platformId, cancellationToken)
            ?? new MonitoringSettings { PlatformId = platformId };
        return new MonitoringSettingsDto(platformId, s.RepeatCalls, s.RepeatWindowDays, s.SurgeRatio, s.SurgeMinimum);
    }

    /// <summary>Managers (and administrators) set their platforms' rules; supervisors read them.</summary>
    public async Task<MonitoringSettingsDto> SaveSettingsAsync(int platformId, SaveMonitoringSettingsRequest request, CancellationToken cancellationToken)
    {
        if (!me.IsUnrestricted && !me.IsInRole(LawlineRoles.PlatformManager) && !me.IsInRole(LawlineRoles.Administrator))
        {
            throw new ForbiddenRuleChangeException();
        }

        var errors = new Dictionary<string, string[]>();
        if (request.RepeatCalls is < 2 or > 100)
        {
            errors[nameof(request.RepeatCalls)] = ["Between 2 and 100 calls."];
        }

        if (request.RepeatWindowDays is < 1 or > 365)
        {
            errors[nameof(request.RepeatWindowDays)] = ["Between 1 and 365 days."];
        }

        if (request.SurgeRatio is < 1.1 or > 100 || double.IsNaN(request.SurgeRatio))
        {
            errors[nameof(request.SurgeRatio)] = ["Between 1.1 and 100 times the baseline."];
        }

        if (request.SurgeMinimum is < 1 or > 100_000)
        {
            errors[nameof(request.SurgeMinimum)] = ["Between 1 and 100000 work orders."];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }

        await using var tx = await db.BeginWriteAsync(cancellationToken);
        if (!await db.Platforms.AnyAsync(p => p.Id == platformId, cancellationToken))
        {
            throw new NotFoundException("Platform", platformId);
        }

        var s = await db.MonitoringSettings.SingleOrDefaultAsync(x => x.PlatformId == platformId, cancellationToken);
        if (s is null)
        {
            db.MonitoringSettings.Add(s = new MonitoringSettings { PlatformId = platformId });
        }

        s.RepeatCalls = request.RepeatCalls;
        s.RepeatWindowDays = request.RepeatWindowDays;
        s.SurgeRatio = request.SurgeRatio;
        s.SurgeMinimum = request.SurgeMinimum;
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new MonitoringSettingsDto(platformId, s.RepeatCalls, s.RepeatWindowDays, s.SurgeRatio, s.SurgeMinimum);
    }

    internal static MonitoringAlertDto ToDto(MonitoringAlert a, string platformName, bool fullNumbers) => new(
        a.Id, a.PlatformId, platformName, a.Kind, a.Subject, a.Value, a.Baseline, a.WindowDays, a.CreatedAt, a.LastSeenAt, a.Status,
        a.AssigneeUserId, a.AssigneeName, a.FollowUpNote, a.FollowedUpAt, a.ClosedBy, a.ClosedAt, a.CallRecordId,
        a.Kind == MonitoringAlertKind.RepeatCaller && !fullNumbers ? "/work-orders" : a.Link);
}

/// <summary>Only managers change monitoring rules.</summary>
public sealed class ForbiddenRuleChangeException() : DomainException("Only platform managers change the monitoring rules.", "platform");
