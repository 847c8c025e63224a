using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Callers;

public static class CallersFeature
{
    public static IHostApplicationBuilder AddCallers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CallerService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCallers(this IEndpointRouteBuilder app)
    {
        var callers = app.MapGroup("/api/callers").WithTags("Callers");
        callers.MapGet("/", async (int? platformId, string? phone, CallerService service, CancellationToken ct)
            => TypedResults.Ok(await service.SearchAsync(platformId, phone, ct)))
            .WithSummary("Find callers by number or its last digits; numbers masked");
        callers.MapGet("/{id:int}", async (int id, CallerService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)))
            .WithSummary("One caller; full number and name for roles that call back (audited), masked for others");
        callers.MapPost("/", async Task<Results<Created<CallerDetail>, Ok<CallerDetail>>> (RegisterCallerRequest request, CallerService service, CancellationToken ct) =>
        {
            var (caller, created) = await service.RegisterAsync(request, ct);
            return created ? TypedResults.Created($"/api/callers/{caller.Id}", caller) : TypedResults.Ok(caller);
        }).WithSummary("Register a caller by number, or update the known one");
        return app;
    }
}
