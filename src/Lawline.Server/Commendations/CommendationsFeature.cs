using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Commendations;

/// <summary>Praise, thank-you letters and banners (表扬、感谢信、锦旗) for lawyers.</summary>
public static class CommendationsFeature
{
    public static IHostApplicationBuilder AddCommendations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CommendationService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCommendations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/commendations").WithTags("Commendations").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        group.MapGet("/", async ([AsParameters] CommendationQuery query, CommendationService service, CancellationToken ct)
            => TypedResults.Ok(await service.ListAsync(query, ct)));
        group.MapGet("/summary", async (DateTimeOffset? from, DateTimeOffset? to, int? platformId, CommendationService service, CancellationToken ct)
            => TypedResults.Ok(await service.SummaryAsync(from, to, platformId, ct)))
            .WithSummary("Counts per kind and per lawyer of what was received in [from, to)");
        group.MapGet("/{id:int}", async (int id, CommendationService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)));
        group.MapPost("/", async Task<Created<CommendationDto>> (CommendationRequest request, CommendationService service, CancellationToken ct) =>
        {
            var saved = await service.SaveAsync(null, request, ct);
            return TypedResults.Created($"/api/commendations/{saved.Id}", saved);
        });
        group.MapPut("/{id:int}", async (int id, CommendationRequest request, CommendationService service, CancellationToken ct)
            => TypedResults.Ok(await service.SaveAsync(id, request, ct)));
        group.MapDelete("/{id:int}", async (int id, CommendationService service, CancellationToken ct) =>
        {
            await service.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        });
        return app;
    }
}
