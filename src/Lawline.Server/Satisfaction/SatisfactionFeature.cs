using Lawline.Server.Data;
using Lawline.Server.Sms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Satisfaction;

/// <summary>Survey links by SMS: options, the service, the anonymous survey API and the work-order invitation.</summary>
public static class SatisfactionFeature
{
    public static IHostApplicationBuilder AddSatisfaction(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SatisfactionOptions>().BindConfiguration(SatisfactionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SurveyLinks>();
        builder.Services.AddScoped<SatisfactionKpis>();
        builder.Services.AddSingleton<RatingRecorder>();
        builder.Services.AddScoped<CallbackRules>();
        builder.Services.AddSingleton<CallbackEscalation>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallbackEscalation>());
        return builder;
    }

    public static IEndpointRouteBuilder MapSatisfaction(this IEndpointRouteBuilder app)
    {
        app.MapSatisfactionKpis();
        app.MapPost("/api/work-orders/{id:int}/survey-invitation", async Task<Created<SurveyInvitationDto>> (int id, SurveyLinks links, AppDbContext db,
                SmsOutbox outbox, HttpRequest http, CancellationToken ct) =>
            {
                var invitation = await links.InviteForWorkOrderAsync(db, outbox, id, $"{http.Scheme}://{http.Host}{http.PathBase}", ct);
                return TypedResults.Created($"/api/work-orders/{id}/survey-invitation", invitation);
            })
            .WithTags("Work orders")
            .WithSummary("Sends the caller a one-time survey link by SMS (web and self-service channels); 409 if rated or a link is still open");

        // 回访 rules: which ratings open a mandatory callback, the deadline in working days, attempts before "unreachable".
        var rules = app.MapGroup("/api/satisfaction/callback-rules").WithTags("Satisfaction").RequireAuthorization(Security.LawlineRoles.ManagePeoplePolicy);
        rules.MapGet("/{platformId:int}", async (int platformId, CallbackRules service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(platformId, ct)))
            .WithSummary("The platform's 回访 rule (the defaults when it has none: 基本满意 and 不满意, 1 working day, 3 attempts)");
        rules.MapPut("/{platformId:int}", async (int platformId, SaveCallbackRuleRequest request, CallbackRules service, CancellationToken ct)
                => TypedResults.Ok(await service.SaveAsync(platformId, request, ct)))
            .WithSummary("Sets the platform's 回访 rule; field errors for an unknown rating, a deadline outside 0–30 working days or attempts outside 1–10");

        // The citizen's side: no sign-in, the token is the only credential.
        var survey = app.MapGroup("/api/survey").WithTags("Satisfaction").AllowAnonymous();
        survey.MapGet("/{token}", async Task<Results<Ok<SurveyLinkView>, NotFound>> (string token, SurveyLinks links, CancellationToken ct) =>
            {
                var view = await links.ViewAsync(token, ct);
                return view.State == SurveyLinkState.Unknown ? TypedResults.NotFound() : TypedResults.Ok(view);
            })
            .WithSummary("A survey link's state (open, used, expired) and the hotline's name");
        survey.MapPost("/{token}", async (string token, SurveyAnswer answer, SurveyLinks links, CancellationToken ct) =>
                await links.AnswerAsync(token, answer, ct) switch
                {
                    SurveyLinkState.Open => Results.Ok(new { Stored = true }),
                    SurveyLinkState.Used => Problem(StatusCodes.Status409Conflict, "This survey link has already been used."),
                    SurveyLinkState.Expired => Problem(StatusCodes.Status410Gone, "This survey link has expired."),
                    _ => Problem(StatusCodes.Status404NotFound, "There is no such survey link."),
                })
            .WithSummary("Rates the service once: 200 the first time, 409 when used, 410 when expired, 404 when unknown");
        return app;
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);
}
