using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Routing.Ivr;

/// <summary>
/// The IVR: flows per platform as versioned JSON, the runner that plays them on a call, the post-call survey,
/// and the prompt library with its default prompts generated at first start.
/// </summary>
public static class IvrFeature
{
    public static IHostApplicationBuilder AddIvr(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<IvrOptions>().BindConfiguration(IvrOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PromptLibrary>();
        services.AddSingleton<DefaultPromptGenerator>();
        services.AddHostedService<DefaultPromptsInstaller>();
        services.AddSingleton<IvrRunner>();
        services.AddSingleton<SatisfactionSurvey>();
        services.AddScoped<IIvrFlowStore, EfIvrFlowStore>();
        services.AddScoped<IIvrPlatforms, DbIvrPlatforms>();
        services.AddScoped<IvrFlowService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapIvr(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ivr").WithTags("IVR").RequireAuthorization(LawlineRoles.AdministerPolicy);

        group.MapGet("/flows/{platformId:int}", async (int platformId, IvrFlowService flows, CancellationToken ct)
                => TypedResults.Ok(await flows.GetAsync(platformId, ct)))
            .WithSummary("The platform's latest flow JSON (or the default for its kind), its versions and which one is published");
        group.MapPut("/flows/{platformId:int}", async (int platformId, SaveIvrFlowRequest request, IvrFlowService flows, CancellationToken ct)
                => TypedResults.Ok(await flows.SaveAsync(platformId, request.Json, ct)))
            .WithSummary("Validate the flow and save it as a new draft version (400 with field errors when invalid)");
        group.MapPost("/flows/{platformId:int}/publish", async (int platformId, int? version, IvrFlowService flows, CancellationToken ct)
                => TypedResults.Ok(await flows.PublishAsync(platformId, version, ct)))
            .WithSummary("Publish a version (the latest when none is given); new calls run it");

        group.MapGet("/prompts/{platformId:int}", async (int platformId, IIvrPlatforms platforms, PromptLibrary prompts, CancellationToken ct) =>
            {
                var platform = await platforms.GetAsync(platformId, ct);
                return TypedResults.Ok(prompts.List(platform.Code));
            })
            .WithSummary("Prompts the platform plays: its own uploads and the defaults it does not override");
        group.MapGet("/prompts/{platformId:int}/{name}", async (int platformId, string name, IIvrPlatforms platforms, PromptLibrary prompts, CancellationToken ct) =>
            {
                var platform = await platforms.GetAsync(platformId, ct);
                var (stream, _) = prompts.OpenRead(platform.Code, name);
                return TypedResults.File(stream, "audio/wav", name + ".wav");
            })
            .WithSummary("Download a prompt WAV (the platform's own, else the default)");
        group.MapPut("/prompts/{platformId:int}/{name}", async Task<Ok<PromptInfo>> (int platformId, string name, HttpRequest request,
                IIvrPlatforms platforms, PromptLibrary prompts, CancellationToken ct) =>
            {
                var platform = await platforms.GetAsync(platformId, ct);
                return TypedResults.Ok(await prompts.SaveAsync(platform.Code, name, request.Body, ct));
            })
            .Accepts<byte[]>("audio/wav")
            .WithSummary("Upload a prompt for the platform: the request body is the WAV (8 kHz mono µ-law, A-law or 16-bit PCM)");
        return app;
    }
}
