using System.Globalization;

namespace Lawline.Server.Tests.Infrastructure;

/// <summary>Runs the test in a UI culture and restores the previous one.</summary>
public sealed class UiCulture : IDisposable
{
    private readonly CultureInfo _previous = CultureInfo.CurrentUICulture;

    public UiCulture(string name) => CultureInfo.CurrentUICulture = new CultureInfo(name);

    public void Dispose() => CultureInfo.CurrentUICulture = _previous;
}
