using Lawline.Server.Common;
using Lawline.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.WorkOrders;

public static class WorkOrdersFeature
{
    /// <summary>The largest export in one file; a bigger selection asks the user to narrow the filters.</summary>
    public const int MaxExportRows = 100_000;

    public static IHostApplicationBuilder AddWorkOrders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkOrderOptions>().BindConfiguration(WorkOrderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<WorkOrderService>();
        builder.Services.AddScoped<TimeLimitSettings>();
        return builder;
    }

    /// <summary>Default time limits (configurable per platform): urgent the same day, consultations 3 working days, complaints 13.</summary>
    public static async Task EnsureDefaultTimeLimitsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (await db.WorkOrderTimeLimits.AnyAsync(t => t.PlatformId == null, cancellationToken))
        {
            return;
        }
        (WorkOrderType Type, int Normal, int Urgent)[] defaults =
        [
            (WorkOrderType.Consultation, 3, 0), (WorkOrderType.Complaint, 13, 1), (WorkOrderType.Appointment, 5, 1),
            (WorkOrderType.Message, 3, 0), (WorkOrderType.Help, 1, 0),
        ];
        foreach (var (type, normal, urgent) in defaults)
        {
            db.WorkOrderTimeLimits.Add(new WorkOrderTimeLimit { Type = type, Urgency = WorkOrderUrgency.Normal, WorkingDays = normal });
            db.WorkOrderTimeLimits.Add(new WorkOrderTimeLimit { Type = type, Urgency = WorkOrderUrgency.Urgent, WorkingDays = urgent });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public static IEndpointRouteBuilder MapWorkOrders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/work-orders").WithTags("Work orders");
        group.MapTimeLimits();
        group.MapGet("/", async ([AsParameters] WorkOrderQuery query, WorkOrderService service, CancellationToken ct)
            => TypedResults.Ok(await service.SearchAsync(query, ct)))
            .WithSummary("Search by number, phone, category subtree, status, outcome, channel, platform, agent, dates, overdue");
        group.MapPost("/", async Task<Created<WorkOrderDto>> (CreateWorkOrderRequest request, WorkOrderService service, CancellationToken ct) =>
        {
            var order = await service.CreateAsync(request, ct);
            return TypedResults.Created($"/api/work-orders/{order.Id}", order);
        }).WithSummary("Register a work order; with completeWith it is completed in the same step");
        group.MapGet("/{id:int}", async (int id, WorkOrderService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)));
        group.MapPut("/{id:int}", async (int id, UpdateWorkOrderRequest request, WorkOrderService service, CancellationToken ct)
            => TypedResults.Ok(await service.UpdateAsync(id, request, ct)))
            .WithSummary("Change the editable fields; send the version you read (409 if someone changed it since)");
        group.MapPost("/{id:int}/transitions", async (int id, TransitionRequest request, WorkOrderService service, CancellationToken ct)
            => TypedResults.Ok(await service.TransitionAsync(id, request, ct)))
            .WithSummary("Move through the workflow: start, hand over, confirm receipt, feedback, escalate, complete, close, reopen");
        group.MapGet("/{id:int}/history", async (int id, WorkOrderService service, CancellationToken ct) => TypedResults.Ok(await service.HistoryAsync(id, ct)));
        group.MapPost("/{id:int}/attachments", async Task<Created<AttachmentDto>> (int id, IFormFile file, WorkOrderService service,
            IOptions<LawlineOptions> lawline, CancellationToken ct) =>
        {
            await using var stream = file.OpenReadStream();
            var attachment = await service.AddAttachmentAsync(id, file.FileName, file.ContentType, stream, file.Length, lawline.Value.ResolveDataDirectory(), ct);
            return TypedResults.Created($"/api/work-orders/{id}/attachments/{attachment.Id}", attachment);
        }).DisableAntiforgery();
        group.MapGet("/{id:int}/attachments/{attachmentId:int}", async (int id, int attachmentId, WorkOrderService service,
            IOptions<LawlineOptions> lawline, CancellationToken ct) =>
        {
            var (attachment, path) = await service.OpenAttachmentAsync(id, attachmentId, lawline.Value.ResolveDataDirectory(), ct);
            return Results.File(path, attachment.ContentType, attachment.FileName);
        });
        group.MapGet("/caller-history", async (string phone, WorkOrderService service, CancellationToken ct)
            => TypedResults.Ok(await service.CallerHistoryAsync(phone, ct)))
            .WithSummary("All work orders of a number, newest first, with the repeat-caller flag");
        group.MapGet("/export", async ([AsParameters] WorkOrderQuery query, WorkOrderService service, CancellationToken ct) =>
        {
            var rows = await service.ExportRowsAsync(query, MaxExportRows, ct);
            var stream = new MemoryStream();
            WorkOrderExport.Write(stream, rows);
            stream.Position = 0;
            return Results.File(stream, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "work-orders.xlsx");
        }).WithSummary("The search result as an Excel workbook (.xlsx)");
        return app;
    }
}

/// <summary>The Excel layout of a work-order list: Chinese headers, local (Beijing) times.</summary>
public static class WorkOrderExport
{
    public static readonly string[] Headers =
        ["工单编号", "类型", "渠道", "紧急程度", "状态", "办理结果", "来电号码", "来电地区", "咨询类别编码", "咨询类别", "问题摘要", "首问负责人", "登记时间", "办理时限", "是否超期"];

    private static readonly TimeZoneInfo Beijing = WorkingCalendar.Zone("Asia/Shanghai");

    public static void Write(Stream output, IEnumerable<WorkOrderSummary> rows)
        => XlsxWriter.Write(output, "工单", Headers, rows.Select(r => (IReadOnlyList<object?>)
        [
            r.Number, WorkOrderLabels.Type(r.Type), WorkOrderLabels.Channel(r.Channel), WorkOrderLabels.Urgency(r.Urgency),
            WorkOrderLabels.Status(r.Status), WorkOrderLabels.Outcome(r.Outcome), r.CallerPhone, r.CallerRegion, r.CategoryCode,
            r.CategoryName, r.Question, r.OwnerName, TimeZoneInfo.ConvertTime(r.CreatedAt, Beijing).DateTime,
            TimeZoneInfo.ConvertTime(r.DueAt, Beijing).DateTime, r.IsOverdue ? "是" : "否",
        ]));
}

/// <summary>Chinese names of the work-order enums, for exports and the UI.</summary>
public static class WorkOrderLabels
{
    public static string Type(WorkOrderType value) => value switch
    {
        WorkOrderType.Consultation => "法律咨询",
        WorkOrderType.Complaint => "投诉",
        WorkOrderType.Appointment => "预约",
        WorkOrderType.Message => "留言",
        WorkOrderType.Help => "求助",
        _ => value.ToString(),
    };

    public static string Channel(WorkOrderChannel value) => value switch
    {
        WorkOrderChannel.Phone => "电话",
        WorkOrderChannel.WebChat => "网络咨询",
        WorkOrderChannel.SelfService => "自助服务",
        WorkOrderChannel.WalkIn => "现场来访",
        WorkOrderChannel.Transfer12345 => "12345转办",
        WorkOrderChannel.Letter => "来信",
        _ => value.ToString(),
    };

    public static string Urgency(WorkOrderUrgency value) => value == WorkOrderUrgency.Urgent ? "紧急" : "一般";

    public static string Status(WorkOrderStatus value) => value switch
    {
        WorkOrderStatus.Registered => "已登记",
        WorkOrderStatus.InProgress => "处理中",
        WorkOrderStatus.HandedOver => "已转交办",
        WorkOrderStatus.AwaitingFeedback => "待反馈",
        WorkOrderStatus.Completed => "已办结",
        WorkOrderStatus.Closed => "已关闭",
        _ => value.ToString(),
    };

    public static string Outcome(WorkOrderOutcome value) => value switch
    {
        WorkOrderOutcome.None => "—",
        WorkOrderOutcome.AnsweredOnLine => "当场解答",
        WorkOrderOutcome.Referred => "引导分流",
        WorkOrderOutcome.HandedOver => "转交办",
        WorkOrderOutcome.Escalated => "升级专家",
        WorkOrderOutcome.TransferredByPhone => "电话转接",
        _ => value.ToString(),
    };
}
