using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lawline.Server.Common;
using Lawline.Server.Data;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Lawline.Server;

/// <summary>What every feature relies on: options, JSON, problem details, validation, OpenAPI, localization, health.</summary>
public static class HostSetup
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    public static IHostApplicationBuilder AddLawlineHost(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LawlineOptions>().BindConfiguration(LawlineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Field errors are keyed like the JSON the client sent (camelCase), whoever produced them.
            if (context.ProblemDetails is HttpValidationProblemDetails validation)
            {
                var errors = validation.Errors.ToDictionary(e => JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => e.Value);
                validation.Errors.Clear();
                foreach (var (key, messages) in errors)
                {
                    validation.Errors[key] = messages;
                }
            }
        });
        // Unreadable bodies (malformed JSON, wrong types) reach the exception handler, which says what was wrong.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddValidation();
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Lawline API",
                Version = "v1",
                Description = "Public legal service (12348) and court litigation-service (12368) hotline platform. "
                    + "Get a token from POST /api/auth/token and send it as `Authorization: Bearer <token>`.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
            };
            return Task.CompletedTask;
        }));
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture("zh-CN");
            options.SupportedCultures = Cultures;
            options.SupportedUICultures = Cultures;
            // A person's explicit choice (cookie) wins; then the query string; the browser's language is not
            // used, so a hotline's seats all start in Chinese whatever the PC is set to.
            options.RequestCultureProviders = [new CookieRequestCultureProvider(), new QueryStringRequestCultureProvider()];
        });
        return builder;
    }

    public static WebApplication UseLawlineHost(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseCurrentUserScope();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapLawlineHost(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api/reference", options => options.WithTitle("Lawline API")).AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        return app;
    }

    private static IApplicationBuilder UseCurrentUserScope(this IApplicationBuilder app)
        => Security.SecuritySetup.UseCurrentUser(app);
}
