using Lawline.Server.Platforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.WorkOrders;

internal sealed class WorkOrderConfiguration : IEntityTypeConfiguration<WorkOrder>
{
    public void Configure(EntityTypeBuilder<WorkOrder> builder)
    {
        builder.Property(w => w.Number).HasMaxLength(48).IsRequired();
        builder.HasIndex(w => w.Number).IsUnique();
        builder.Property(w => w.CallerPhoneE164).HasMaxLength(20);
        builder.Property(w => w.CallerName).HasMaxLength(64);
        builder.Property(w => w.CallerProvince).HasMaxLength(32);
        builder.Property(w => w.CallerCity).HasMaxLength(32);
        builder.Property(w => w.CategoryCode).HasMaxLength(40);
        builder.Property(w => w.Question).HasMaxLength(4000).IsRequired();
        builder.Property(w => w.Answer).HasMaxLength(8000);
        builder.Property(w => w.LegalBasis).HasMaxLength(2000);
        builder.Property(w => w.ReferralAgencyName).HasMaxLength(100);
        builder.Property(w => w.HandOverBody).HasMaxLength(100);
        builder.Property(w => w.HandOverFeedback).HasMaxLength(4000);
        builder.Property(w => w.EscalationNote).HasMaxLength(1000);
        builder.Property(w => w.ExpertAnswer).HasMaxLength(8000);
        builder.Property(w => w.TransferTarget).HasMaxLength(64);
        builder.Property(w => w.Rating).HasConversion<string>().HasMaxLength(24);
        builder.Property(w => w.OwnerName).HasMaxLength(64);
        builder.Property(w => w.ReopenReason).HasMaxLength(1000);
        builder.Property(w => w.Version).IsConcurrencyToken();
        builder.HasOne(w => w.Platform).WithMany().HasForeignKey(w => w.PlatformId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(w => w.Caller).WithMany().HasForeignKey(w => w.CallerId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(w => w.Category).WithMany().HasForeignKey(w => w.CategoryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(w => w.Attachments).WithOne().HasForeignKey(a => a.WorkOrderId).OnDelete(DeleteBehavior.Cascade);
        // The indexes the search and the caller history use.
        builder.HasIndex(w => new { w.PlatformId, w.CreatedAt });
        // Other-channel services of a period and their ratings (the satisfaction table) from the index alone; the id for
        // the "no call bound to it" probe (PostgreSQL indexes do not carry the key by themselves).
        builder.HasIndex(w => new { w.PlatformId, w.Channel, w.CreatedAt, w.AgentId, w.Rating, w.Id });
        builder.HasIndex(w => w.CreatedAt);
        builder.HasIndex(w => new { w.OwnerUserId, w.CreatedAt });
        builder.HasIndex(w => new { w.CallerPhoneE164, w.CreatedAt });
        builder.HasIndex(w => new { w.Status, w.DueAt });
        builder.HasIndex(w => new { w.CategoryId, w.CreatedAt });
        builder.HasIndex(w => new { w.AgentId, w.CreatedAt });
    }
}

internal sealed class WorkOrderAttachmentConfiguration : IEntityTypeConfiguration<WorkOrderAttachment>
{
    public void Configure(EntityTypeBuilder<WorkOrderAttachment> builder)
    {
        builder.Property(a => a.FileName).HasMaxLength(200).IsRequired();
        builder.Property(a => a.ContentType).HasMaxLength(100);
        builder.Property(a => a.StoragePath).HasMaxLength(400).IsRequired();
        builder.Property(a => a.UploadedBy).HasMaxLength(256);
    }
}

internal sealed class WorkOrderEventConfiguration : IEntityTypeConfiguration<WorkOrderEvent>
{
    public void Configure(EntityTypeBuilder<WorkOrderEvent> builder)
    {
        builder.Property(e => e.UserName).HasMaxLength(256);
        builder.Property(e => e.Note).HasMaxLength(1000);
        builder.HasIndex(e => e.WorkOrderId);
        builder.HasOne(e => e.Order).WithMany().HasForeignKey(e => e.WorkOrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkOrderSequenceConfiguration : IEntityTypeConfiguration<WorkOrderSequence>
{
    public void Configure(EntityTypeBuilder<WorkOrderSequence> builder)
    {
        builder.HasKey(s => new { s.PlatformId, s.Day });
        builder.HasOne<Platform>().WithMany().HasForeignKey(s => s.PlatformId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkOrderTimeLimitConfiguration : IEntityTypeConfiguration<WorkOrderTimeLimit>
{
    public void Configure(EntityTypeBuilder<WorkOrderTimeLimit> builder)
    {
        builder.HasIndex(t => new { t.PlatformId, t.Type, t.Urgency }).IsUnique();
        builder.HasOne<Platform>().WithMany().HasForeignKey(t => t.PlatformId).OnDelete(DeleteBehavior.Cascade);
    }
}
