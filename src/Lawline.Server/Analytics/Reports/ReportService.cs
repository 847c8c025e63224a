using System.Globalization;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Analytics.Reports;

/// <summary>Generates reports on demand and for the schedule, lists them within the caller's platforms, and opens their files.</summary>
public sealed class ReportService(AppDbContext db, ReportGenerator generator, KpiService kpis, CurrentUser me, TimeProvider clock, IOptions<LawlineOptions> lawline)
{
    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private string Root => Path.Combine(lawline.Value.ResolveDataDirectory(), "reports");

    /// <summary>The period of a request: as given, or the last complete period of its kind.</summary>
    public (DateOnly From, DateOnly To) Period(GenerateReportRequest request)
    {
        if (request.PlatformId is null)
        {
            throw new ValidationFailedException("platformId", "Choose a platform.");
        }

        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            throw new ValidationFailedException("kind", "Choose the kind of report.");
        }

        var today = kpis.Today;
        if (request.From is null && request.To is null)
        {
            if (kind == ReportKind.Custom)
            {
                throw new ValidationFailedException("from", "A custom report needs its period.");
            }

            return ReportText.LastPeriod(kind, today);
        }

        if (request.From is not { } from)
        {
            throw new ValidationFailedException("from", "The start of the period is missing.");
        }

        if (request.To is not { } to)
        {
            throw new ValidationFailedException("to", "The end of the period is missing.");
        }

        if (to < from)
        {
            throw new ValidationFailedException("to", "The end of the period is before its start.");
        }

        if (to.DayNumber - from.DayNumber + 1 > KpiService.MaxDays)
        {
            throw new ValidationFailedException("to", $"A period can cover at most {KpiService.MaxDays} days.");
        }

        if (to >= today)
        {
            throw new ValidationFailedException("to", "A report covers days that are over: the period must end before today.");
        }

        return (from, to);
    }

    public async Task<GeneratedReportDto> GenerateAsync(GenerateReportRequest request, CancellationToken ct)
    {
        var (from, to) = Period(request);
        var report = await GenerateAsync(request.PlatformId!.Value, request.Kind!.Value, from, to, ct);
        return await DtoAsync(report.Id, ct);
    }

    /// <summary>Writes the two files and records the report (as the current user, "system" for the schedule).</summary>
    public async Task<GeneratedReport> GenerateAsync(int platformId, ReportKind kind, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp(); // real time taken, whatever the (test) clock says
        var content = await generator.GatherAsync(platformId, kind, from, to, ct);
        var stem = FormattableString.Invariant($"{platformId}/{kind}-{from:yyyyMMdd}-{to:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..8]}");
        var docx = stem + ".docx";
        var xlsx = stem + ".xlsx";
        Directory.CreateDirectory(Path.Combine(Root, platformId.ToString(CultureInfo.InvariantCulture)));
        var docxBytes = await WriteAsync(docx, s => ReportGenerator.WriteDocx(content, s), ct);
        var xlsxBytes = await WriteAsync(xlsx, s => ReportGenerator.WriteXlsx(content, s), ct);
        var report = new GeneratedReport
        {
            PlatformId = platformId,
            Kind = kind,
            From = from,
            To = to,
            Title = content.Title.Length > 128 ? content.Title[..128] : content.Title,
            GeneratedAt = clock.GetUtcNow(),
            GeneratedBy = me.UserName,
            Status = ReportStatus.Completed,
            DocxPath = docx,
            DocxBytes = docxBytes,
            XlsxPath = xlsx,
            XlsxBytes = xlsxBytes,
            DurationMilliseconds = (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
        db.GeneratedReports.Add(report);
        await db.SaveChangesAsync(ct);
        return report;
    }

    private async Task<long> WriteAsync(string relative, Action<Stream> write, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        var path = Path.Combine(Root, relative);
        var partial = path + ".part";
        await File.WriteAllBytesAsync(partial, buffer.ToArray(), ct);
        File.Move(partial, path, overwrite: true);
        return buffer.Length;
    }

    public Task<bool> ExistsAsync(int platformId, ReportKind kind, DateOnly from, DateOnly to, CancellationToken ct)
        => db.GeneratedReports.AnyAsync(r => r.PlatformId == platformId && r.Kind == kind && r.From == from && r.To == to && r.Status == ReportStatus.Completed, ct);

    public async Task<IReadOnlyList<GeneratedReportDto>> ListAsync(int? platformId, CancellationToken ct)
    {
        var reports = db.GeneratedReports.AsNoTracking();
        if (platformId is { } p)
        {
            reports = reports.Where(r => r.PlatformId == p);
        }

        return await Project(reports.OrderByDescending(r => r.GeneratedAt).ThenByDescending(r => r.Id).Take(500)).ToListAsync(ct);
    }

    private async Task<GeneratedReportDto> DtoAsync(int id, CancellationToken ct)
        => await Project(db.GeneratedReports.AsNoTracking().Where(r => r.Id == id)).SingleOrDefaultAsync(ct) ?? throw new NotFoundException("Report", id);

    private IQueryable<GeneratedReportDto> Project(IQueryable<GeneratedReport> reports)
        => from r in reports
           join p in db.Platforms.AsNoTracking() on r.PlatformId equals p.Id
           select new GeneratedReportDto(r.Id, r.PlatformId, p.Name, r.Kind, r.From, r.To, r.Title, r.GeneratedAt, r.GeneratedBy, r.Status, r.Error,
               r.DocxBytes, r.XlsxBytes, r.DurationMilliseconds);

    /// <summary>A report's file (docx or xlsx) to download; the download is audited as a read.</summary>
    public async Task<(string Path, string FileName, string ContentType)> OpenAsync(int id, string format, CancellationToken ct)
    {
        var report = await db.GeneratedReports.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Report", id);
        var (relative, type) = format switch
        {
            "docx" => (report.DocxPath, DocxType),
            "xlsx" => (report.XlsxPath, XlsxType),
            _ => throw new NotFoundException("Report file", format),
        };
        var path = relative is null ? null : Path.Combine(Root, relative);
        if (path is null || !File.Exists(path))
        {
            throw new NotFoundException("Report file", id);
        }

        db.AuditRead(nameof(GeneratedReport), report.Id, report.PlatformId, $"report {format} {report.Title}");
        await db.SaveChangesAsync(ct);
        return (path, $"{report.Title}.{format}", type);
    }
}
