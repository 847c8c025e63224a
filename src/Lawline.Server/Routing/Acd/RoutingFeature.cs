namespace Lawline.Server.Routing;

public static class RoutingFeature
{
    /// <summary>
    /// The ACD as one process-wide <see cref="CallRouter"/>. Its configuration comes from the call flow, which
    /// calls <see cref="CallRouter.Configure"/> at start and whenever agents, skills or queue rules change.
    /// </summary>
    public static IHostApplicationBuilder AddCallRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CallRouter>();
        return builder;
    }
}
