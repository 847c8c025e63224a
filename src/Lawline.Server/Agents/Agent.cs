using Lawline.Server.Common;
using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Agents;

public enum AgentKind
{
    /// <summary>值班律师</summary>
    DutyLawyer = 1,
    /// <summary>法院坐席员</summary>
    CourtClerk = 2,
    /// <summary>咨询法官</summary>
    ConsultingJudge = 3,
    /// <summary>专家</summary>
    Expert = 4,
}

/// <summary>Admission to the platform's pool (入库): admitted, suspended for a while, or exited for good.</summary>
public enum AgentStatus
{
    Admitted = 1,
    Suspended = 2,
    Exited = 3,
}

/// <summary>A skill an agent serves, with a level (1 = may take overflow, 3 = specialist) the router prefers.</summary>
public sealed class AgentSkill
{
    public int AgentId { get; set; }
    public int SkillId { get; set; }
    public Skill? Skill { get; set; }
    public int Level { get; set; } = 2;
}

/// <summary>
/// The person in a seat: a duty lawyer from a law firm, a court clerk, a consulting judge or an expert.
/// Admission status changes only through <see cref="Suspend"/>, <see cref="Reinstate"/> and <see cref="Exit"/>,
/// each with a reason, because a platform must be able to say why a lawyer stopped taking calls.
/// </summary>
public sealed class Agent : IPlatformOwned
{
    public int Id { get; private set; }
    public int PlatformId { get; set; }
    public Platform? Platform { get; private set; }
    public AgentKind Kind { get; set; } = AgentKind.DutyLawyer;
    public string Name { get; set; } = string.Empty;

    /// <summary>Mobile in E.164: personal data, masked in lists and audited when read.</summary>
    public string? MobileE164 { get; set; }

    /// <summary>
    /// 远程坐席: the agent takes calls on <see cref="MobileE164"/> through the outbound trunk instead of a registered
    /// phone (as Guizhou's lawyers did from home during the epidemic). They set themselves ready at the desktop.
    /// </summary>
    public bool RemoteSeat { get; set; }

    /// <summary>Lawyer's practising licence number (律师执业证号, 17 digits); empty for clerks and judges.</summary>
    public string? LicenseNumber { get; set; }
    public int? LawFirmId { get; set; }
    public LawFirm? LawFirm { get; private set; }
    public List<AgentSkill> Skills { get; private set; } = [];

    /// <summary>Free-text areas of expertise beyond the skills (e.g. 工伤认定, 房屋买卖).</summary>
    public string? Expertise { get; set; }

    /// <summary>The seat the agent normally works in; the duty roster may place them elsewhere.</summary>
    public int? DefaultSeatId { get; set; }
    public Seat? DefaultSeat { get; private set; }
    public DateOnly AdmittedOn { get; set; }
    public AgentStatus Status { get; private set; } = AgentStatus.Admitted;
    public string? StatusReason { get; private set; }
    public DateOnly? StatusChangedOn { get; private set; }
    public bool IsDemo { get; set; }

    public void SetSkills(IEnumerable<(int SkillId, int Level)> skills)
    {
        var wanted = skills.ToList();
        if (wanted.Any(s => s.Level is < 1 or > 3))
        {
            throw new ValidationFailedException("skills", "A skill level is 1, 2 or 3.");
        }
        if (wanted.Select(s => s.SkillId).Distinct().Count() != wanted.Count)
        {
            throw new ValidationFailedException("skills", "Each skill can be listed once.");
        }
        Skills.RemoveAll(s => wanted.All(w => w.SkillId != s.SkillId));
        foreach (var (skillId, level) in wanted)
        {
            var existing = Skills.Find(s => s.SkillId == skillId);
            if (existing is null)
            {
                Skills.Add(new AgentSkill { AgentId = Id, SkillId = skillId, Level = level });
            }
            else
            {
                existing.Level = level;
            }
        }
    }

    public void Suspend(string reason, DateOnly on)
    {
        if (Status != AgentStatus.Admitted)
        {
            throw new DomainException($"Only an admitted agent can be suspended; this one is {Status}.", "status");
        }
        ChangeStatus(AgentStatus.Suspended, reason, on);
    }

    public void Reinstate(DateOnly on)
    {
        if (Status != AgentStatus.Suspended)
        {
            throw new DomainException($"Only a suspended agent can be reinstated; this one is {Status}.", "status");
        }
        Status = AgentStatus.Admitted;
        StatusReason = null;
        StatusChangedOn = on;
    }

    public void Exit(string reason, DateOnly on)
    {
        if (Status == AgentStatus.Exited)
        {
            throw new DomainException("The agent has already exited.", "status");
        }
        ChangeStatus(AgentStatus.Exited, reason, on);
    }

    private void ChangeStatus(AgentStatus status, string reason, DateOnly on)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationFailedException("reason", "A reason is required.");
        }
        Status = status;
        StatusReason = reason.Trim();
        StatusChangedOn = on;
    }
}

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(64).IsRequired();
        builder.Property(a => a.MobileE164).HasMaxLength(20);
        builder.Property(a => a.LicenseNumber).HasMaxLength(32);
        builder.HasIndex(a => a.LicenseNumber).IsUnique();
        builder.Property(a => a.Expertise).HasMaxLength(500);
        builder.Property(a => a.StatusReason).HasMaxLength(500);
        builder.HasIndex(a => new { a.PlatformId, a.Status });
        builder.HasOne(a => a.Platform).WithMany().HasForeignKey(a => a.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.LawFirm).WithMany().HasForeignKey(a => a.LawFirmId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.DefaultSeat).WithMany().HasForeignKey(a => a.DefaultSeatId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(a => a.Skills).WithOne().HasForeignKey(s => s.AgentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AgentSkillConfiguration : IEntityTypeConfiguration<AgentSkill>
{
    public void Configure(EntityTypeBuilder<AgentSkill> builder)
    {
        builder.HasKey(s => new { s.AgentId, s.SkillId });
        builder.HasOne(s => s.Skill).WithMany().HasForeignKey(s => s.SkillId).OnDelete(DeleteBehavior.Restrict);
    }
}
