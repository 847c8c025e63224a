using System.Reflection;
using Lawline.Server.Data;
using Xunit.Sdk;

namespace Lawline.Server.Tests.Infrastructure;

/// <summary>
/// Runs a theory once per database provider (after bitwarden's DatabaseDataAttribute). The PostgreSQL case
/// needs <see cref="TestDatabase.PostgresVariable"/>; without it the case fails and says so.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatabaseDataAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
        => Enum.GetValues<DatabaseProvider>().Select(provider => new object[] { provider });
}

/// <summary>
/// One installation per provider, shared by the tests of a class and started on first use, so a class's
/// SQLite tests never wait for (or fail because of) PostgreSQL. Tests make their own unique data on it.
/// </summary>
public sealed class SharedInstallations : IAsyncLifetime
{
    private readonly Dictionary<DatabaseProvider, Lazy<Task<LawlineFactory>>> _factories = Enum.GetValues<DatabaseProvider>()
        .ToDictionary(p => p, p => new Lazy<Task<LawlineFactory>>(() => LawlineFactory.StartAsync(p)));

    public Task<LawlineFactory> GetAsync(DatabaseProvider provider) => _factories[provider].Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var factory in _factories.Values.Where(f => f.IsValueCreated))
        {
            if (factory.Value.IsCompletedSuccessfully)
            {
                await (await factory.Value).DisposeAsync();
            }
        }
    }
}
