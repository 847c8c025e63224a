namespace Lawline.Server.Tests.Infrastructure;

/// <summary>Polling for what real phones and the call flow do in their own time (steps land one by one).</summary>
public static class Wait
{
    /// <summary>Until <paramref name="condition"/> holds, for up to 20 s; then it is asserted with <paramref name="because"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string because)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), because);
    }

    /// <summary>Until <paramref name="find"/> finds something, for up to 30 s; the timeout says what was there instead.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> find, Func<string> describe)
        where T : class
    {
        for (var i = 0; i < 300; i++)
        {
            if (await find() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Never found. " + describe());
    }
}
