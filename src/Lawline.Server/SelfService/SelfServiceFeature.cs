using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.SelfService;

public static class SelfServiceFeature
{
    public static IHostApplicationBuilder AddSelfService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SelfServiceOptions>().BindConfiguration(SelfServiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CallbackRequestLimiter>();
        builder.Services.AddScoped<SelfServiceDesk>();
        // The self-service page reads the address its circuit was opened from, for the callback rate limit.
        builder.Services.AddHttpContextAccessor();
        return builder;
    }

    public static IEndpointRouteBuilder MapSelfService(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/self-service").WithTags("Self-service").AllowAnonymous();
        group.MapPost("/callback-requests", async Task<Results<Created<SelfServiceCallbackResponse>, ProblemHttpResult>> (
            SelfServiceCallbackRequest request, HttpContext http, CurrentUser me, SelfServiceDesk desk, CancellationToken ct) =>
        {
            // Nobody signs in here; the desk narrows what it reads and writes itself (see SelfServiceDesk).
            me.ActAsSystem(SelfServiceDesk.ActorName);
            try
            {
                var created = await desk.RequestCallbackAsync(request, http.Connection.RemoteIpAddress?.ToString(), ct);
                return TypedResults.Created($"/api/self-service/callback-requests/{created.WorkOrderNumber}", created);
            }
            catch (TooManyRequestsException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
            }
        }).WithSummary("A citizen asks for a lawyer's callback from the self-service page: registers a work order (self-service channel) "
            + "and returns its number; limited per network address and phone number (429)");
        return app;
    }
}
