using Lawline.Server.Security;

namespace Lawline.Server.Data;

/// <summary>
/// Database work done by the platform itself (the call flow, background writers), not by a signed-in person: each
/// call is its own scope acting as the named system actor, so audit rows say who did it.
/// </summary>
public static class SystemScope
{
    /// <summary>One short write transaction: <paramref name="change"/> edits tracked entities, then it is saved and committed.</summary>
    public static async Task WriteAsSystemAsync(this IServiceScopeFactory scopes, string actor, Func<AppDbContext, Task> change, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem(actor);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await change(db);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task<T> ReadAsSystemAsync<T>(this IServiceScopeFactory scopes, string actor, Func<AppDbContext, Task<T>> read, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem(actor);
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }
}
