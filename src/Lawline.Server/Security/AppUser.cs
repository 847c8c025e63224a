using Lawline.Server.Platforms;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Security;

/// <summary>A person who signs in. Belongs to a platform and sees that platform and the ones below it.</summary>
public sealed class AppUser : IdentityUser<int>
{
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>Null only for a system administrator, who sees every platform.</summary>
    public int? PlatformId { get; set; }
    public Platform? Platform { get; set; }

    /// <summary>The agent record (duty lawyer, clerk...) this account signs in as, if any.</summary>
    public int? AgentId { get; set; }

    public bool IsActive { get; set; } = true;
    public bool IsDemo { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(64).IsRequired();
        builder.HasOne(u => u.Platform).WithMany().HasForeignKey(u => u.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => u.AgentId);
    }
}
