using System.Text.Json;
using Lawline.Server.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lawline.Server.Platforms;

/// <summary>12348: public legal service hotline; 12368: court litigation-service hotline.</summary>
public enum PlatformKind
{
    LegalService12348 = 12348,
    CourtService12368 = 12368,
}

/// <summary>Province → city → district for 12348; high → intermediate → basic court for 12368.</summary>
public enum PlatformLevel
{
    Province = 1,
    City = 2,
    District = 3,
}

/// <summary>Records that belong to one platform and are visible to its users and those above it.</summary>
public interface IPlatformOwned
{
    int PlatformId { get; }
}

/// <summary>
/// One hotline organisation: a province or city centre, a district sub-platform, a court. Platforms form
/// a tree; <see cref="Path"/> ("/BJ/BJ-HD/") lets a query take a platform and everything below it.
/// </summary>
public sealed class Platform
{
    public int Id { get; private set; }

    /// <summary>Short stable code (letters, digits, '-'), also the prefix of work-order numbers. Never changes.</summary>
    public string Code { get; private set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public PlatformKind Kind { get; set; }
    public PlatformLevel Level { get; private set; }
    public int? ParentId { get; private set; }
    public Platform? Parent { get; private set; }
    public string Path { get; private set; } = "/";

    /// <summary>Region the hotline serves, for "in-region vs out-of-region" calls (e.g. 北京市 or 贵州省).</summary>
    public string? ServiceRegion { get; set; }

    public OfficeHours OfficeHours { get; set; } = OfficeHours.Default;
    public string TimeZone { get; set; } = "Asia/Shanghai";
    public bool IsActive { get; set; } = true;
    public bool IsDemo { get; set; }

    private Platform()
    {
    }

    public static Platform CreateRoot(string code, string name, PlatformKind kind, PlatformLevel level)
        => new() { Code = ValidateCode(code), Name = name, Kind = kind, Level = level, Path = $"/{code}/" };

    public static Platform CreateChild(Platform parent, string code, string name)
    {
        if (parent.Level == PlatformLevel.District)
        {
            throw new DomainException("A district (basic court) platform cannot have sub-platforms.", "parentId");
        }
        return new Platform
        {
            Code = ValidateCode(code),
            Name = name,
            Kind = parent.Kind,
            Level = parent.Level + 1,
            ParentId = parent.Id,
            Parent = parent,
            Path = $"{parent.Path}{code}/",
            OfficeHours = parent.OfficeHours,
            TimeZone = parent.TimeZone,
        };
    }

    private static string ValidateCode(string code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 32 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ValidationFailedException("code", "A platform code is 1–32 letters, digits or '-'.");
        }
        return code;
    }
}

internal sealed class PlatformConfiguration : IEntityTypeConfiguration<Platform>
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Platform> builder)
    {
        builder.Property(p => p.Code).HasMaxLength(32).IsRequired();
        builder.HasIndex(p => p.Code).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(100).IsRequired();
        builder.Property(p => p.Path).HasMaxLength(400).IsRequired();
        builder.HasIndex(p => p.Path);
        builder.Property(p => p.ServiceRegion).HasMaxLength(64);
        builder.Property(p => p.TimeZone).HasMaxLength(64);
        builder.HasOne(p => p.Parent).WithMany().HasForeignKey(p => p.ParentId).OnDelete(DeleteBehavior.Restrict);
        // Office hours are read and written whole, so one JSON column serves both providers.
        builder.Property(p => p.OfficeHours)
            .HasConversion(
                hours => JsonSerializer.Serialize(hours, JsonOptions),
                json => JsonSerializer.Deserialize<OfficeHours>(json, JsonOptions) ?? OfficeHours.Default,
                new ValueComparer<OfficeHours>(
                    (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
                    h => JsonSerializer.Serialize(h, JsonOptions).GetHashCode(StringComparison.Ordinal),
                    h => JsonSerializer.Deserialize<OfficeHours>(JsonSerializer.Serialize(h, JsonOptions), JsonOptions)!))
            .HasMaxLength(4000);
    }
}
