using System.Net;
using System.Text.RegularExpressions;
using Lawline.Server.Data;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Security;

public sealed partial class AnonymousAccessTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    // The only endpoints under /api that answer without credentials, on purpose.
    // Kannel's delivery reports carry no credentials: that endpoint checks a shared secret in its URL instead
    // (403 without it, see Sms/KannelSmsTests). Citizens ask for a callback from the self-service page, and answer an
    // SMS survey link (the unguessable one-time token is the credential, see Satisfaction/SmsSurveyTests), without signing in.
    private static readonly string[] PublicByDesign =
    [
        "POST /api/auth/token", "GET /api/sms/dlr", "POST /api/sms/dlr", "POST /api/self-service/callback-requests",
        "GET /api/survey/{token}", "POST /api/survey/{token}",
        // Kannel's incoming messages (退订), checked with the gateway's shared token like delivery reports.
        "GET /api/sms/mo", "POST /api/sms/mo",
    ];

    // The browsable API reference (Scalar) is documentation, not data.
    private const string ReferencePrefix = "/api/reference";

    [Fact]
    public async Task Every_api_endpoint_answers_401_to_a_caller_without_credentials()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var anonymous = factory.Anonymous();
        var endpoints = ApiEndpoints(factory);
        Assert.All(PublicByDesign, expected => Assert.Contains(expected, endpoints.Select(e => e.Name)));

        var checkedEndpoints = new List<string>();
        var failures = new List<string>();
        foreach (var (name, method, pattern) in endpoints.Where(e => !PublicByDesign.Contains(e.Name)))
        {
            var url = RouteParameter().Replace(pattern, "1");
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }
            using var response = await anonymous.Http.SendAsync(request);
            checkedEndpoints.Add(name);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{method} {url} answered {(int)response.StatusCode} {response.StatusCode}");
            }
        }

        Assert.Empty(failures);
        // Every feature's endpoints were found (platforms, skills, seats, firms, agents, callers, users, audit, me).
        Assert.True(checkedEndpoints.Count >= 25, $"Only {checkedEndpoints.Count} endpoints found: {string.Join(", ", checkedEndpoints)}");
        foreach (var prefix in new[] { "/api/platforms", "/api/skills", "/api/seats", "/api/law-firms", "/api/agents", "/api/callers", "/api/users", "/api/audit", "/api/auth/me" })
        {
            Assert.Contains(checkedEndpoints, e => e.Contains(prefix, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        await using var other = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var foreign = await other.AdminAsync();
        using var client = factory.Anonymous();
        client.Http.DefaultRequestHeaders.Authorization = foreign.Http.DefaultRequestHeaders.Authorization;

        var response = await client.GetAsync("/api/platforms");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static List<(string Name, string Method, string Pattern)> ApiEndpoints(LawlineFactory factory)
        => [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? string.Empty).TrimStart('/'),
                Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(e => e.Pattern.StartsWith("/api/", StringComparison.Ordinal) && !e.Pattern.StartsWith(ReferencePrefix, StringComparison.Ordinal))
            .SelectMany(e => e.Methods.Select(m => (Name: $"{m} {e.Pattern}", Method: m, e.Pattern)))
            .Distinct()
            .OrderBy(e => e.Name, StringComparer.Ordinal)];

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
