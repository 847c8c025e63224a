using Lawline.Server.Routing.Live;

namespace Lawline.Server.Routing;

public static class RoutingFeature
{
    /// <summary>
    /// Call routing: the ACD as one process-wide <see cref="CallRouter"/>, configured by the call flow from the
    /// database (<see cref="RoutingDirectory"/>), the call records, the <see cref="CallFlow"/> that joins the
    /// telephony engine, the IVR and the router, the agent state log, and what people do with routing: the agent
    /// desk (<see cref="AgentDesk"/>), callbacks, voicemails and recordings (<see cref="CallbackService"/>), and the supervisors'
    /// wallboard (<see cref="WallboardService"/>).
    /// </summary>
    public static IHostApplicationBuilder AddCallRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CallRouter>();
        builder.Services.AddSingleton<RoutingNotifier>();
        builder.Services.AddSingleton<CallNotifier>();
        // Before the pump: hosted services start in this order (the recorder subscribes before the first event)
        // and stop in reverse (the pump stops first, so the recorder's last flush has everything).
        builder.Services.AddHostedService<AgentStateRecorder>();
        builder.Services.AddHostedService<RoutingEventPump>();
        builder.Services.AddSingleton<RoutingDirectory>();
        builder.Services.AddSingleton<CallRecordStore>();
        builder.Services.AddSingleton<CallbackTaskStore>();
        builder.Services.AddSingleton<CallFlow>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CallFlow>());
        builder.Services.AddScoped<AgentDesk>();
        builder.Services.AddScoped<CallbackService>();
        builder.Services.AddScoped<DeskCallService>();
        builder.Services.AddOptions<WallboardOptions>().BindConfiguration(WallboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WallboardService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WallboardService>());
        return builder;
    }
}
