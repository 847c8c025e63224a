using System.Net;
using Lawline.Server.Security;

namespace Lawline.Server.Tests.Infrastructure;

public static class FactoryExtensions
{
    /// <summary>A client without credentials.</summary>
    public static ApiClient Anonymous(this LawlineFactory factory)
        => new(factory.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = factory.ClientOptions.BaseAddress }), null);

    /// <summary>Gets a bearer token through POST /api/auth/token and returns a client that sends it.</summary>
    public static async Task<ApiClient> SignInAsync(this LawlineFactory factory, string userName, string password)
    {
        var client = new ApiClient(factory.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = factory.ClientOptions.BaseAddress }), userName);
        var token = await client.PostOkAsync<TokenResponse>("/api/auth/token", new TokenRequest(userName, password), HttpStatusCode.OK);
        client.UseToken(token.AccessToken);
        return client;
    }

    /// <summary>The administrator created on first start (no platform: sees every platform).</summary>
    public static Task<ApiClient> AdminAsync(this LawlineFactory factory)
        => factory.SignInAsync(LawlineFactory.AdminUserName, LawlineFactory.AdminPassword);
}
