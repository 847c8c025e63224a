using Lawline.Server.Routing.Live;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Routing;

/// <summary>
/// The HTTP side of routing: the agent desktop's own state (<c>/api/routing/me</c>), the supervisors' view of queues and
/// agents, callbacks and voicemails, and call recordings.
/// </summary>
public static class RoutingApi
{
    public static IEndpointRouteBuilder MapRouting(this IEndpointRouteBuilder app)
    {
        var routing = app.MapGroup("/api/routing").WithTags("Routing");
        routing.MapGet("/me", async (AgentDesk desk, CancellationToken ct) => TypedResults.Ok(await desk.MineAsync(ct)))
            .WithSummary("The signed-in agent's routing state (state, reason, since, call) and the queues of their skills; 404 when the account has no routable agent");
        routing.MapPut("/me/state", async Task<Results<Ok<AgentDeskDto>, Accepted<AgentDeskDto>>> (SetMyStateRequest request, AgentDesk desk, CancellationToken ct) =>
            {
                var result = await desk.SetMyStateAsync(request, ct);
                return result.Deferred ? TypedResults.Accepted((string?)null, result.Value) : TypedResults.Ok(result.Value);
            })
            .WithSummary("ready, notReady (reason: break, training, meeting, other) or offline. On a call it applies when wrap-up ends: 202 with agent.afterCall");
        routing.MapGet("/me/call", async (AgentDesk desk, CancellationToken ct) => TypedResults.Ok(new { callRecordId = await desk.MyCallAsync(ct) }))
            .WithSummary("The call record of the call the signed-in agent is connected to now (null when none)");
        routing.MapPost("/me/call", async (MyCallControlRequest request, AgentDesk desk, CancellationToken ct) =>
            {
                await desk.MyCallControlAsync(request, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Transfer the caller (kind skill: to that skill's queue; agent: to a colleague; number: outside, e.g. 12345) or consult first (consult, then completeConsultation or cancelConsultation); 409 when it cannot be done");
        routing.MapPost("/me/wrap-up-done", async (AgentDesk desk, CancellationToken ct) => TypedResults.Ok(await desk.WrapUpDoneAsync(ct)))
            .WithSummary("End wrap-up (话后整理) before its time runs out; 409 outside wrap-up");

        routing.MapGet("/me/seat", async (AgentDesk desk, CancellationToken ct) => TypedResults.Ok(await desk.MySeatAsync(ct)))
            .WithSummary("The seat the signed-in agent sits at, their shift from the duty roster, and the seats they may sign in at");
        routing.MapPut("/me/seat", async (SignInSeatRequest request, AgentDesk desk, CancellationToken ct) => TypedResults.Ok(await desk.SignInSeatAsync(request, ct)))
            .WithSummary("Sign in at a seat of your platform (leaving the previous one); 409 when a colleague sits there");
        routing.MapDelete("/me/seat", async (AgentDesk desk, CancellationToken ct) => TypedResults.Ok(await desk.SignOutSeatAsync(ct)))
            .WithSummary("Leave the seat; going offline does the same");
        routing.MapGet("/me/escalations", async (AgentDesk desk, IOptions<RoutingOptions> options, CancellationToken ct)
                => TypedResults.Ok(await desk.EscalationsAsync(options.Value.EscalationNumbers, ct)))
            .WithSummary("One-click escalations: colleagues at expert seats now, and the configured outside numbers (12345, 110)");

        routing.MapGet("/queues", async (AgentDesk desk, CancellationToken ct) => TypedResults.Ok(await desk.QueuesAsync(ct)))
            .RequireAuthorization(LawlineRoles.SuperviseCallsPolicy)
            .WithSummary("Queues of the platforms the supervisor sees: waiting calls and callbacks, longest wait, agents ready and staffed, today's counts");
        routing.MapGet("/agents", async (AgentDesk desk, CancellationToken ct) => TypedResults.Ok(await desk.AgentsAsync(ct)))
            .RequireAuthorization(LawlineRoles.SuperviseCallsPolicy)
            .WithSummary("Every agent of the supervisor's platforms who can take calls, with skills, state, reason and time in state");
        routing.MapGet("/wallboard", async (WallboardService wallboard, AgentDesk desk, CurrentUser me, CancellationToken ct)
                => TypedResults.Ok(await wallboard.ViewAsync(desk, me, ct)))
            .RequireAuthorization(LawlineRoles.SuperviseCallsPolicy)
            .WithSummary("The wallboard (监控大屏) of the supervisor's platforms: per-platform totals, queues now with today's KPIs (接通率, 及时率 within 15 s, ASA), agents, alerts");
        routing.MapPut("/agents/{id:int}/state", async Task<Results<Ok<RoutedAgentDto>, Accepted<RoutedAgentDto>>> (int id, SetAgentStateRequest request,
                AgentDesk desk, CancellationToken ct) =>
            {
                var result = await desk.SetAgentStateAsync(id, request, ct);
                return result.Deferred ? TypedResults.Accepted((string?)null, result.Value) : TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(LawlineRoles.SuperviseCallsPolicy)
            .WithSummary("A supervisor sets an agent notReady (with a reason) or offline; audited. On a call it applies when wrap-up ends (202)");

        var callbacks = app.MapGroup("/api/callbacks").WithTags("Callbacks").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        callbacks.MapGet("/", async ([AsParameters] CallbackQuery query, CallbackService service, CancellationToken ct)
                => TypedResults.Ok(await service.ListAsync(query, ct)))
            .WithSummary("Callback tasks and voicemails of the supervisor's platforms, newest first; numbers masked unless the role calls people back");
        callbacks.MapGet("/{id:int}", async (int id, CallbackService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)));
        callbacks.MapPost("/{id:int}/done", async (int id, CloseCallbackRequest request, CallbackService service, CancellationToken ct)
                => TypedResults.Ok(await service.CompleteAsync(id, request, ct)))
            .WithSummary("The caller was reached: status Done with the note; 409 when already done or cancelled");
        callbacks.MapPost("/{id:int}/cancel", async (int id, CloseCallbackRequest request, CallbackService service, CancellationToken ct)
                => TypedResults.Ok(await service.CancelAsync(id, request, ct)))
            .WithSummary("The callback will not be made; the note (the reason) is required; 409 when already done or cancelled");
        callbacks.MapGet("/{id:int}/detail", async (int id, CallbackService service, CancellationToken ct) => TypedResults.Ok(await service.DetailAsync(id, ct)))
            .WithSummary("A callback with the rated call (skill, lawyer), the rating and comment, the work order and the call attempts");
        callbacks.MapPost("/{id:int}/call", async (int id, CallbackService service, CancellationToken ct) =>
                TypedResults.Accepted($"/api/callbacks/{id}/detail", await service.CallAsync(id, ct)))
            .WithSummary("Calls the citizen back: the supervisor's own registered phone rings, then the citizen's through the outbound trunk; recorded. 202 with the attempt, whose result is set when the call ends");
        callbacks.MapPost("/{id:int}/outcome", async (int id, CallbackOutcomeRequest request, CallbackService service, CancellationToken ct)
                => TypedResults.Ok(await service.RecordOutcomeAsync(id, request, ct)))
            .WithSummary("Records what the 回访 came to; Unreachable only after the rule's failed attempts; a complaint registers a Complaint work order; a caller still not satisfied keeps it open");
        callbacks.MapPost("/{id:int}/reopen", async (int id, ReopenCallbackRequest request, CallbackService service, CancellationToken ct)
                => TypedResults.Ok(await service.ReopenAsync(id, request, ct)))
            .WithSummary("Reopens a done callback with a reason (counted); 409 unless done");

        var calls = app.MapGroup("/api/calls").WithTags("Calls").RequireAuthorization();
        calls.MapGet("/{id:long}", async (long id, DeskCallService service, CancellationToken ct) => TypedResults.Ok(await service.GetAsync(id, ct)))
            .WithSummary("A call as the desktop shows it: number (masked unless the role calls back; full reads audited), region, skill, IVR keys, wait, rating, work order");
        calls.MapPut("/{id:long}/work-order", async (long id, LinkWorkOrderRequest request, DeskCallService service, CancellationToken ct) =>
            {
                await service.LinkWorkOrderAsync(id, request.WorkOrderId, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Binds the work order registered for the call; a rating already given is copied to the order (and later ratings follow)");
        app.MapGroup("/api/calls").WithTags("Calls").RequireAuthorization(LawlineRoles.ListenToRecordingsPolicy)
            .MapGet("/{id:long}/recording", async (long id, CallbackService service, CancellationToken ct)
                => Results.File(await service.OpenRecordingAsync(id, ct), "audio/wav", enableRangeProcessing: true))
            .WithSummary("The call's recording (WAV, byte ranges supported) for supervisors, QA inspectors and managers of its platform; every listening is audited");
        return app;
    }
}
