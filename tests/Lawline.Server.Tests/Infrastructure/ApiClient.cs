using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Xunit.Sdk;

namespace Lawline.Server.Tests.Infrastructure;

/// <summary>An RFC 9457 problem as the API returns it.</summary>
public sealed record Problem(int? Status, string? Title, string? Detail, string? Type, Dictionary<string, string[]>? Errors);

/// <summary>
/// An HTTP client of the API acting as one user (or nobody). Its helpers check the status code and say what
/// came back when it is not the expected one, so a failing test shows the server's answer.
/// </summary>
public sealed class ApiClient(HttpClient http, string? userName) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public HttpClient Http => http;

    /// <summary>The user the client signed in as; null for an anonymous client.</summary>
    public string? UserName => userName;

    public void UseToken(string accessToken)
        => http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

    public Task<HttpResponseMessage> GetAsync(string url) => http.GetAsync(url);

    public Task<HttpResponseMessage> PostAsync(string url, object? body) => http.PostAsJsonAsync(url, body, Json);

    public Task<HttpResponseMessage> PutAsync(string url, object? body) => http.PutAsJsonAsync(url, body, Json);

    /// <summary>Sends a body as it is, for malformed or hand-made JSON.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string url, string body)
        => http.SendAsync(new HttpRequestMessage(method, url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        });

    public async Task<T> GetOkAsync<T>(string url) => await ReadAsync<T>(await GetAsync(url), HttpStatusCode.OK);

    public async Task<T> PostOkAsync<T>(string url, object? body, HttpStatusCode expected = HttpStatusCode.Created)
        => await ReadAsync<T>(await PostAsync(url, body), expected);

    public async Task<T> PutOkAsync<T>(string url, object? body) => await ReadAsync<T>(await PutAsync(url, body), HttpStatusCode.OK);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        await ExpectStatusAsync(response, expected);
        return await response.Content.ReadFromJsonAsync<T>(Json)
            ?? throw new XunitException($"{Describe(response)} answered an empty body.");
    }

    public static async Task ExpectStatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new XunitException($"{Describe(response)}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    /// <summary>Checks that the response is a problem document with this status, and returns it.</summary>
    public static async Task<Problem> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        await ExpectStatusAsync(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Problem>(Json)
            ?? throw new XunitException($"{Describe(response)} answered an empty problem.");
        Assert.Equal((int)expected, problem.Status);
        return problem;
    }

    /// <summary>Checks for a 400 (or the given status) problem with an error on the given field (camelCase, as the client sent it).</summary>
    public static async Task<Problem> ReadFieldErrorAsync(HttpResponseMessage response, string field, HttpStatusCode expected = HttpStatusCode.BadRequest)
    {
        var problem = await ReadProblemAsync(response, expected);
        Assert.True(problem.Errors is not null && problem.Errors.ContainsKey(field),
            $"{Describe(response)}: expected a field error on '{field}', got errors [{string.Join(", ", problem.Errors?.Keys.ToArray() ?? [])}] ({problem.Title}: {problem.Detail})");
        Assert.NotEmpty(problem.Errors![field]);
        return problem;
    }

    private static string Describe(HttpResponseMessage response)
        => $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";

    public void Dispose() => http.Dispose();
}
