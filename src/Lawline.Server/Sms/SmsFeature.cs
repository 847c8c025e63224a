using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Sms;

public sealed record SendSmsRequest(
    string? To,
    string? TemplateCode,
    Dictionary<string, string>? Values,
    string? Text,
    SmsPurpose? Purpose,
    int? PlatformId,
    int? WorkOrderId,
    long? CallRecordId);

public sealed record SmsMessageDto(
    long Id, int PlatformId, string To, string Text, string? TemplateCode, SmsPurpose Purpose, SmsStatus Status,
    int Attempts, DateTimeOffset NextAttemptAt, string? LastError, int Segments, DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt, DateTimeOffset? DeliveredAt, int? WorkOrderId, long? CallRecordId);

public sealed record SmsTemplateRequest(int? PlatformId, string? Code, string? Name, string? Body, SmsPurpose Purpose = SmsPurpose.Other, bool IsActive = true);

public sealed record SmsTemplateDto(
    int Id, int? PlatformId, string Code, string Name, string Body, SmsPurpose Purpose, bool IsActive,
    IReadOnlyList<string> Placeholders, SmsLength Length);

public sealed record SmsOptOutRequest(string? Phone, string? Reason);

public sealed record SmsOptOutDto(int Id, string Phone, DateTimeOffset Since, string? Reason);

/// <summary>The SMS outbox: options, the sender, the Kannel gateway, the API and the delivery-report endpoint.</summary>
public static partial class SmsFeature
{
    public static IHostApplicationBuilder AddSms(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SmsSignal>();
        builder.Services.AddScoped<SmsOutbox>();
        builder.Services.AddScoped<SmsService>();
        builder.Services.AddHttpClient<ISmsGateway, KannelSmsGateway>();
        builder.Services.AddHostedService<SmsSender>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sms").WithTags("SMS");
        group.MapPost("/", async Task<Created<SmsMessageDto>> (SendSmsRequest request, SmsService service, CancellationToken ct) =>
        {
            var message = await service.SendAsync(request, ct);
            return TypedResults.Created($"/api/sms/{message.Id}", message);
        }).WithSummary("Queue an SMS from a template (or free text, supervisors only); blocked messages are recorded with the reason");
        group.MapGet("/", async (string? phone, int? workOrderId, long? callRecordId, SmsService service, CancellationToken ct)
            => TypedResults.Ok(await service.ListAsync(phone, workOrderId, ct, callRecordId)))
            .WithSummary("The SMS sent to a number (the caller's history), about a work order or during a call, newest first");
        group.MapGet("/{id:long}", async (long id, SmsService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)));

        group.MapGet("/templates", async (SmsService service, CancellationToken ct) => TypedResults.Ok(await service.TemplatesAsync(ct)));
        group.MapPost("/templates", async Task<Created<SmsTemplateDto>> (SmsTemplateRequest request, SmsService service, CancellationToken ct) =>
        {
            var template = await service.SaveTemplateAsync(null, request, ct);
            return TypedResults.Created($"/api/sms/templates/{template.Id}", template);
        }).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        group.MapPut("/templates/{id:int}", async (int id, SmsTemplateRequest request, SmsService service, CancellationToken ct)
            => TypedResults.Ok(await service.SaveTemplateAsync(id, request, ct)))
            .RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        group.MapGet("/length", (string? text) => TypedResults.Ok(SmsText.Measure(text)))
            .WithSummary("Characters and parts of a text (70 Chinese characters in one SMS, 67 per part when split)");

        group.MapGet("/opt-outs", async (string? phone, SmsService service, CancellationToken ct) => TypedResults.Ok(await service.OptOutsAsync(phone, ct)))
            .RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        group.MapPost("/opt-outs", async Task<Created<SmsOptOutDto>> (SmsOptOutRequest request, SmsService service, CancellationToken ct) =>
        {
            var optOut = await service.OptOutAsync(request, ct);
            return TypedResults.Created($"/api/sms/opt-outs/{optOut.Id}", optOut);
        }).RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        group.MapDelete("/opt-outs/{id:int}", async (int id, SmsService service, CancellationToken ct) =>
        {
            await service.RemoveOptOutAsync(id, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);

        // Kannel fetches this (GET by default) with the report; it has no credentials, so the URL carries a secret.
        group.MapMethods("/dlr", ["GET", "POST"], DeliveryReportAsync).AllowAnonymous().ExcludeFromDescription();
        // Messages from handsets (退订 and replies), forwarded by Kannel's sms-service with the same secret.
        group.MapMethods("/mo", ["GET", "POST"], SmsInbound.ReceiveAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> DeliveryReportAsync(long? id, string? token, int? status, string? answer,
        IOptionsMonitor<SmsOptions> options, IServiceScopeFactory scopes, TimeProvider time, CancellationToken ct)
    {
        var expected = options.CurrentValue.DeliveryReportToken;
        if (string.IsNullOrEmpty(expected) || token is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected)))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        if (id is null || status is null)
        {
            return Results.BadRequest("id and status are required.");
        }
        var found = false;
        await scopes.WriteAsSystemAsync("sms-dlr", async db =>
        {
            if (await db.Set<SmsMessage>().SingleOrDefaultAsync(m => m.Id == id, ct) is { } message)
            {
                found = true;
                SmsDeliveryReport.Apply(message, status.Value, answer, time.GetUtcNow());
            }
        }, ct);
        return found ? Results.Text("ok") : Results.NotFound();
    }

    /// <summary>The default templates of a new installation (platforms may add their own with the same code).</summary>
    public static async Task EnsureDefaultTemplatesAsync(AppDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var existing = await db.Set<SmsTemplate>().IgnoreQueryFilters().Where(t => t.PlatformId == null).Select(t => t.Code).ToListAsync(cancellationToken);
        foreach (var (code, name, purpose, body) in DefaultTemplates)
        {
            if (!existing.Contains(code))
            {
                db.Add(new SmsTemplate { Code = code, Name = name, Purpose = purpose, Body = body, IsActive = true, UpdatedAt = time.GetUtcNow() });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public static readonly IReadOnlyList<(string Code, string Name, SmsPurpose Purpose, string Body)> DefaultTemplates =
    [
        ("legal-aid-guidance", "法律援助中心引导", SmsPurpose.Guidance,
            "【{热线名称}】您好！您咨询的事项可以申请法律援助。请携带身份证件和相关材料前往{机构名称}办理，地址：{地址}，电话：{电话}，办公时间：{办公时间}。"),
        ("mediation-guidance", "人民调解引导", SmsPurpose.Guidance,
            "【{热线名称}】您好！您反映的纠纷可以申请人民调解，调解不收费。调解组织：{机构名称}，地址：{地址}，电话：{电话}。"),
        ("referral-guidance", "引导办理", SmsPurpose.Guidance,
            "【{热线名称}】您好！您咨询的事项可前往{机构名称}办理，地址：{地址}，电话：{电话}。"),
        ("survey-link", "满意度评价", SmsPurpose.SurveyLink,
            "【{热线名称}】感谢您的来电！请对本次服务进行评价：{链接}"),
        ("callback-notice", "回拨通知", SmsPurpose.CallbackNotice,
            "【{热线名称}】您好！我们已收到您的回拨请求，工作人员将于{时间}前给您回电，请保持电话畅通。"),
    ];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    internal static partial Regex TemplateCodePattern();
}
