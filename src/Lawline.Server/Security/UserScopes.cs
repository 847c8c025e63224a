using Microsoft.AspNetCore.Components.Authorization;

namespace Lawline.Server.Security;

/// <summary>
/// A Blazor circuit lives for as long as the tab is open, so one database context for the whole circuit
/// would pile up tracked entities and could keep a failed edit's changes around for the next save. Pages
/// instead run each operation in a short scope of its own that acts as the same signed-in user:
/// <code>
/// await using var operation = await Scopes.BeginAsync();
/// var agents = await operation.Get&lt;AgentService&gt;().ListAsync(query, ct);
/// </code>
/// </summary>
public sealed class UserScopes(IServiceScopeFactory scopes, CurrentUser currentUser, AuthenticationStateProvider authentication)
{
    public CurrentUser User => currentUser;

    public async ValueTask<UserOperation> BeginAsync()
    {
        if (!currentUser.IsInitialized)
        {
            // The circuit handler normally did this already; a component that renders first must not see nothing.
            var state = await authentication.GetAuthenticationStateAsync();
            await using var init = scopes.CreateAsyncScope();
            await currentUser.InitializeAsync(state.User, init.ServiceProvider.GetRequiredService<Data.AppDbContext>());
        }
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().CopyFrom(currentUser);
        return new UserOperation(scope);
    }
}

public sealed class UserOperation(AsyncServiceScope scope) : IAsyncDisposable
{
    public T Get<T>() where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => scope.DisposeAsync();
}
