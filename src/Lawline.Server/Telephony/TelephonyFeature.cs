using Lawline.Server.Security;
using Lawline.Sip;
using Lawline.Sip.Calls;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lawline.Server.Telephony;

/// <summary>
/// Hosts the SIP engine (<see cref="SipEngine"/>, also as <see cref="ICallControl"/>), the SIP accounts of
/// agents' phones, and the registration watcher.
/// </summary>
public static class TelephonyFeature
{
    public static IHostApplicationBuilder AddTelephony(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelephonyOptions>().BindConfiguration(TelephonyOptions.Section).ValidateOnStart();
        services.AddOptions<SipEngineOptions>().BindConfiguration(SipEngineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SipEngineOptions>, SipEngineOptionsValidator>();
        services.AddSingleton<SipCredentialStore>();
        services.AddSingleton<RegistrationNotifier>();
        // Started before the watcher (hosted services start in registration order).
        services.AddSingleton<SipEngineHost>();
        services.AddHostedService(sp => sp.GetRequiredService<SipEngineHost>());
        services.AddHostedService<RegistrationWatcher>();
        services.AddSingleton(sp => sp.GetRequiredService<SipEngineHost>().Engine
            ?? throw new InvalidOperationException("The SIP engine is not running: telephony is disabled on this node (Sip:Enabled=false) or the host has not started."));
        services.AddSingleton<ICallControl>(sp => sp.GetRequiredService<SipEngine>());
        services.AddScoped<SipAccountService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapTelephony(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/telephony").WithTags("Telephony").RequireAuthorization(LawlineRoles.ManagePeoplePolicy);
        group.MapGet("/accounts", async (int? platformId, SipAccountService service, CancellationToken ct)
            => TypedResults.Ok(await service.ListAsync(platformId, ct)))
            .WithSummary("SIP accounts of agents' phones on the platforms the caller sees (no secrets)");
        group.MapGet("/accounts/{id:int}", async (int id, SipAccountService service, CancellationToken ct)
            => TypedResults.Ok(await service.GetAsync(id, ct)));
        group.MapPost("/accounts", async Task<Created<SipAccountDto>> (CreateSipAccountRequest request, SipAccountService service, CancellationToken ct) =>
        {
            var account = await service.CreateAsync(request, ct);
            return TypedResults.Created($"/api/telephony/accounts/{account.Id}", account);
        }).WithSummary("Create an account; the password is kept only as digest HA1 values for the configured realm");
        group.MapPut("/accounts/{id:int}", async (int id, UpdateSipAccountRequest request, SipAccountService service, CancellationToken ct)
            => TypedResults.Ok(await service.UpdateAsync(id, request, ct)));
        group.MapPost("/accounts/{id:int}/password", async (int id, SetSipPasswordRequest request, SipAccountService service, CancellationToken ct)
            => TypedResults.Ok(await service.SetPasswordAsync(id, request.Password, ct)))
            .WithSummary("Set a new password (also needed after Sip:Realm changed)");
        group.MapPost("/accounts/{id:int}/disable", async (int id, SipAccountService service, CancellationToken ct)
            => TypedResults.Ok(await service.SetEnabledAsync(id, false, ct)))
            .WithSummary("Disable the account and drop its current registrations");
        group.MapPost("/accounts/{id:int}/enable", async (int id, SipAccountService service, CancellationToken ct)
            => TypedResults.Ok(await service.SetEnabledAsync(id, true, ct)));
        group.MapGet("/registrations", async (SipAccountService service, CancellationToken ct)
            => TypedResults.Ok(await service.RegistrationsAsync(ct)))
            .WithSummary("Devices registered now, for the accounts the caller sees");
        group.MapGet("/status", (SipAccountService service) => TypedResults.Ok(service.Status()))
            .WithSummary("The engine's address, active call legs, registrations and trunks")
            .RequireAuthorization(LawlineRoles.AdministerPolicy);
        return app;
    }
}
