using Lawline.Server.Data;
using Lawline.Server.Knowledge;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Knowledge;

/// <summary>One SQLite installation with the 20 shared law files imported, shared by a test class.</summary>
public sealed class LawsInstallation : IAsyncLifetime
{
    public static string LawsFolder => SharedData.Path("data", "laws");

    public LawlineFactory Factory { get; private set; } = null!;

    public LawImportReport FirstImport { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        FirstImport = await ImportAsync(Factory, LawsFolder);
    }

    public static async Task<LawImportReport> ImportAsync(LawlineFactory factory, string folder)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("import-laws");
        return await scope.ServiceProvider.GetRequiredService<LawImporter>().ImportDirectoryAsync(folder, CancellationToken.None);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
