using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Agents;

/// <summary>A law firm (律师事务所) that sends duty lawyers to a platform.</summary>
public sealed class LawFirm : IPlatformOwned
{
    public int Id { get; set; }
    public int PlatformId { get; set; }
    public Platform? Platform { get; set; }
    public string Name { get; set; } = string.Empty;

    /// <summary>Unified social credit code (统一社会信用代码), 18 characters.</summary>
    public string? CreditCode { get; set; }
    public string? Address { get; set; }
    public string? ContactName { get; set; }
    public string? ContactPhone { get; set; }
    public bool IsActive { get; set; } = true;
    public bool IsDemo { get; set; }
}

internal sealed class LawFirmConfiguration : IEntityTypeConfiguration<LawFirm>
{
    public void Configure(EntityTypeBuilder<LawFirm> builder)
    {
        builder.Property(f => f.Name).HasMaxLength(100).IsRequired();
        builder.HasIndex(f => new { f.PlatformId, f.Name }).IsUnique();
        builder.Property(f => f.CreditCode).HasMaxLength(18);
        builder.Property(f => f.Address).HasMaxLength(200);
        builder.Property(f => f.ContactName).HasMaxLength(64);
        builder.Property(f => f.ContactPhone).HasMaxLength(20);
        builder.HasOne(f => f.Platform).WithMany().HasForeignKey(f => f.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}
