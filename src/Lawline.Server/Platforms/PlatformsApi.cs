using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Platforms;

public static class PlatformsFeature
{
    public static IHostApplicationBuilder AddPlatforms(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PlatformService>();
        builder.Services.AddScoped<SkillCatalog>();
        builder.Services.AddScoped<SeatService>();
        builder.Services.AddScoped<DutyRosterService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPlatforms(this IEndpointRouteBuilder app)
    {
        var platforms = app.MapGroup("/api/platforms").WithTags("Platforms");
        platforms.MapGet("/", async (PlatformService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .WithSummary("The platforms the caller sees: their own and every sub-platform below it");
        platforms.MapGet("/{id:int}", async (int id, PlatformService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)));
        platforms.MapPost("/", async Task<Created<PlatformDto>> (CreatePlatformRequest request, PlatformService service, CancellationToken ct) =>
        {
            var platform = await service.CreateAsync(request, ct);
            return TypedResults.Created($"/api/platforms/{platform.Id}", platform);
        }).RequireAuthorization(LawlineRoles.AdministerPolicy);
        platforms.MapPut("/{id:int}", async (int id, UpdatePlatformRequest request, PlatformService service, CancellationToken ct)
            => TypedResults.Ok(await service.UpdateAsync(id, request, ct))).RequireAuthorization(LawlineRoles.AdministerPolicy);

        var skills = app.MapGroup("/api/skills").WithTags("Skills");
        skills.MapGet("/", async (bool? includeInactive, SkillCatalog catalog, CancellationToken ct)
            => TypedResults.Ok(await catalog.ListAsync(includeInactive ?? false, ct)));
        skills.MapPost("/", async Task<Created<SkillDto>> (SaveSkillRequest request, SkillCatalog catalog, CancellationToken ct) =>
        {
            var skill = await catalog.SaveAsync(null, request, ct);
            return TypedResults.Created($"/api/skills/{skill.Id}", skill);
        }).RequireAuthorization(LawlineRoles.AdministerPolicy);
        skills.MapPut("/{id:int}", async (int id, SaveSkillRequest request, SkillCatalog catalog, CancellationToken ct)
            => TypedResults.Ok(await catalog.SaveAsync(id, request, ct))).RequireAuthorization(LawlineRoles.AdministerPolicy);

        var seats = app.MapGroup("/api/seats").WithTags("Seats");
        seats.MapGet("/", async (int? platformId, SeatService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(platformId, ct)));
        seats.MapGet("/{id:int}", async (int id, SeatService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)));
        seats.MapPost("/", async Task<Created<SeatDto>> (SaveSeatRequest request, SeatService service, CancellationToken ct) =>
        {
            var seat = await service.SaveAsync(null, request, ct);
            return TypedResults.Created($"/api/seats/{seat.Id}", seat);
        }).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        seats.MapPut("/{id:int}", async (int id, SaveSeatRequest request, SeatService service, CancellationToken ct)
            => TypedResults.Ok(await service.SaveAsync(id, request, ct))).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        return app;
    }
}
