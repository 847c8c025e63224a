namespace Lawline.Server.Routing;

public static class RoutingFeature
{
    /// <summary>
    /// Call routing: the ACD as one process-wide <see cref="CallRouter"/>, configured by the call flow from the
    /// database (<see cref="RoutingDirectory"/>), the call records, and the <see cref="CallFlow"/> that joins the
    /// telephony engine, the IVR and the router.
    /// </summary>
    public static IHostApplicationBuilder AddCallRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CallRouter>();
        builder.Services.AddSingleton<RoutingNotifier>();
        builder.Services.AddSingleton<CallNotifier>();
        builder.Services.AddHostedService<RoutingEventPump>();
        builder.Services.AddSingleton<RoutingDirectory>();
        builder.Services.AddSingleton<CallRecordStore>();
        builder.Services.AddSingleton<CallbackTaskStore>();
        builder.Services.AddSingleton<CallFlow>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CallFlow>());
        return builder;
    }
}
