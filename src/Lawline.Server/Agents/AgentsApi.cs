using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Agents;

public static class AgentsFeature
{
    public static IHostApplicationBuilder AddAgents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<LawFirmService>();
        builder.Services.AddScoped<AgentService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAgents(this IEndpointRouteBuilder app)
    {
        var firms = app.MapGroup("/api/law-firms").WithTags("Law firms");
        firms.MapGet("/", async (int? platformId, LawFirmService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(platformId, ct)));
        firms.MapGet("/{id:int}", async (int id, LawFirmService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)));
        firms.MapPost("/", async Task<Created<LawFirmDto>> (SaveLawFirmRequest request, LawFirmService service, CancellationToken ct) =>
        {
            var firm = await service.SaveAsync(null, request, ct);
            return TypedResults.Created($"/api/law-firms/{firm.Id}", firm);
        }).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        firms.MapPut("/{id:int}", async (int id, SaveLawFirmRequest request, LawFirmService service, CancellationToken ct)
            => TypedResults.Ok(await service.SaveAsync(id, request, ct))).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);

        var agents = app.MapGroup("/api/agents").WithTags("Agents");
        agents.MapGet("/", async ([AsParameters] AgentQuery query, AgentService service, CancellationToken ct)
            => TypedResults.Ok(await service.ListAsync(query, ct)))
            .WithSummary("Duty lawyers, clerks, judges and experts; mobiles masked");
        agents.MapGet("/{id:int}", async (int id, AgentService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)));
        agents.MapGet("/{id:int}/contact", async (int id, AgentService service, CancellationToken ct) => TypedResults.Ok(await service.GetContactAsync(id, ct)))
            .WithSummary("The agent's full mobile number (audited)")
            .RequireAuthorization(p => p.RequireRole(LawlineRoles.Administrator, LawlineRoles.PlatformManager, LawlineRoles.Supervisor));
        agents.MapPost("/", async Task<Created<AgentDto>> (SaveAgentRequest request, AgentService service, CancellationToken ct) =>
        {
            var agent = await service.SaveAsync(null, request, ct);
            return TypedResults.Created($"/api/agents/{agent.Id}", agent);
        }).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        agents.MapPut("/{id:int}", async (int id, SaveAgentRequest request, AgentService service, CancellationToken ct)
            => TypedResults.Ok(await service.SaveAsync(id, request, ct))).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        agents.MapPost("/{id:int}/suspend", async (int id, AgentStatusRequest request, AgentService service, CancellationToken ct)
            => TypedResults.Ok(await service.SuspendAsync(id, request.Reason, ct))).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        agents.MapPost("/{id:int}/reinstate", async (int id, AgentService service, CancellationToken ct)
            => TypedResults.Ok(await service.ReinstateAsync(id, ct))).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        agents.MapPost("/{id:int}/exit", async (int id, AgentStatusRequest request, AgentService service, CancellationToken ct)
            => TypedResults.Ok(await service.ExitAsync(id, request.Reason, ct))).RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        return app;
    }
}
