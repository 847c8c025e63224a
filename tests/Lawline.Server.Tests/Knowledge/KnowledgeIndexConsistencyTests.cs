using Lawline.Server.Data;
using Lawline.Server.Knowledge;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Knowledge;

/// <summary>A law re-imported with a changed article, and the index kept in step with the database across restarts.</summary>
public sealed class KnowledgeIndexConsistencyTests
{
    private const string LabourContractLaw = "社会法-劳动合同法(2012-12-28).md";

    private static string CopyLaws(params string[] files)
    {
        var folder = Directory.CreateTempSubdirectory("lawline-laws-").FullName;
        foreach (var file in files)
        {
            File.Copy(SharedData.Path("data", "laws", file), Path.Combine(folder, file));
        }
        return folder;
    }

    [Fact]
    public async Task A_changed_article_text_updates_the_record_in_place_and_search_sees_the_new_text()
    {
        var folder = CopyLaws(LabourContractLaw, "民法典-婚姻家庭编.md");
        try
        {
            await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
            var first = await LawsInstallation.ImportAsync(factory, folder);
            Assert.Equal(98 + 79, first.Added);
            using var admin = await factory.AdminAsync();
            var before = (await KnowledgeSearchTests.SearchAsync(admin, "劳动合同法82条")).Hits[0];

            var path = Path.Combine(folder, LabourContractLaw);
            var text = await File.ReadAllTextAsync(path);
            const string original = "第八十二条 用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的";
            Assert.Contains(original, text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(path, text.Replace(original, "第八十二条 用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同（修订测试）的", StringComparison.Ordinal));

            var again = await LawsInstallation.ImportAsync(factory, folder);
            Assert.Equal(new LawImportReport(2, 2, 0, 1, 98 + 79 - 1), again);

            var after = (await KnowledgeSearchTests.SearchAsync(admin, "劳动合同法82条")).Hits[0];
            Assert.Equal(before.Id, after.Id);
            Assert.Equal("《劳动合同法》第八十二条", after.Citation);
            var article = await admin.GetOkAsync<KnowledgeArticleDto>($"/api/knowledge/articles/{after.Id}");
            Assert.Contains("修订测试", article.Body, StringComparison.Ordinal);
            Assert.Equal(KnowledgeStatus.Published, article.Status);
            Assert.Equal(98, (await admin.GetOkAsync<KnowledgePage>("/api/knowledge/articles?law=中华人民共和国劳动合同法&pageSize=1")).Total);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_malformed_law_file_imports_nothing_and_names_file_and_line()
    {
        var folder = CopyLaws(LabourContractLaw);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "坏文件.md"), "# 中华人民共和国测试法\n\n<!-- INFO END -->\n\n前言\n\n第一条 条文。\n");
            await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
            var error = await Assert.ThrowsAsync<LawFormatException>(() => LawsInstallation.ImportAsync(factory, folder));
            Assert.Equal("坏文件.md", error.FileName);
            Assert.Equal(5, error.Line);

            using var admin = await factory.AdminAsync();
            Assert.Equal(0, (await admin.GetOkAsync<KnowledgePage>("/api/knowledge/articles?kind=LawArticle&pageSize=1")).Total);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task After_the_index_folder_is_deleted_a_restart_rebuilds_it_and_search_finds_everything()
    {
        var folder = CopyLaws(LabourContractLaw, "民法典-婚姻家庭编.md");
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        string indexPath;
        try
        {
            await using (var first = await LawlineFactory.StartAsync(database, ownsDatabase: false))
            {
                await LawsInstallation.ImportAsync(first, folder);
                indexPath = first.Services.GetRequiredService<KnowledgeIndex>().IndexPath;
                Assert.StartsWith(database.DataDirectory, indexPath, StringComparison.Ordinal);
            }
            Directory.Delete(indexPath, recursive: true);

            await using (var second = await LawlineFactory.StartAsync(database, ownsDatabase: false))
            {
                Assert.Equal(98 + 79, second.Services.GetRequiredService<KnowledgeIndex>().Count);
                using var admin = await second.AdminAsync();
                Assert.Equal("《民法典》第一千零七十九条", (await KnowledgeSearchTests.SearchAsync(admin, "第一千零七十九条")).Hits[0].Citation);
                Assert.Equal("《劳动合同法》第八十二条", (await KnowledgeSearchTests.SearchAsync(admin, "劳动合同法82条")).Hits[0].Citation);
            }

            // A corrupt index (garbage in its files) is rebuilt too.
            foreach (var file in Directory.GetFiles(indexPath).Where(f => !f.EndsWith("write.lock", StringComparison.Ordinal)))
            {
                await File.WriteAllTextAsync(file, "not a lucene file");
            }
            await using (var third = await LawlineFactory.StartAsync(database, ownsDatabase: false))
            {
                Assert.Equal(98 + 79, third.Services.GetRequiredService<KnowledgeIndex>().Count);
                using var admin = await third.AdminAsync();
                Assert.Equal("《民法典》第一千零七十九条", (await KnowledgeSearchTests.SearchAsync(admin, "民法典 1079")).Hits[0].Citation);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_change_committed_without_reaching_the_index_is_caught_up()
    {
        var folder = CopyLaws(LabourContractLaw);
        try
        {
            await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
            await LawsInstallation.ImportAsync(factory, folder);

            // As if the process had crashed between the commit and the index update: change rows behind the index's back.
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var article = await db.KnowledgeArticles.AsTracking().SingleAsync(a => a.Citation == "《劳动合同法》第八十二条");
                article.Body += "（追补测试）";
                article.Touch(factory.Clock.GetUtcNow());
                var retired = await db.KnowledgeArticles.AsTracking().SingleAsync(a => a.Citation == "《劳动合同法》第八十三条");
                retired.Retire(factory.Clock.GetUtcNow());
                await db.SaveChangesAsync();
            }
            using var admin = await factory.AdminAsync();
            Assert.Equal("《劳动合同法》第八十三条", (await KnowledgeSearchTests.SearchAsync(admin, "劳动合同法83条")).Hits[0].Citation);

            var report = await factory.Services.GetRequiredService<KnowledgeIndexSync>().CatchUpAsync(CancellationToken.None);
            Assert.Equal(1, report.Indexed);
            Assert.Equal(1, report.Removed);

            var hit = (await KnowledgeSearchTests.SearchAsync(admin, "劳动合同法82条")).Hits[0];
            Assert.Contains("追补测试", hit.Snippet, StringComparison.Ordinal);
            Assert.DoesNotContain((await KnowledgeSearchTests.SearchAsync(admin, "劳动合同法83条")).Hits, h => h.Citation == "《劳动合同法》第八十三条");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_import_laws_command_is_recognised()
    {
        var command = HostCommands.Parse(["import-laws", "../shared/data/laws", "--Database:Provider=Sqlite"]);
        Assert.Equal("import-laws", command.Name);
        Assert.Equal(["../shared/data/laws"], command.CommandArgs);
        Assert.Equal(["--Database:Provider=Sqlite"], command.HostArgs);
        var spaced = HostCommands.Parse(["import-laws", "--Lawline:DataDirectory", "/tmp/x", "/srv/laws"]);
        Assert.Equal(["/srv/laws"], spaced.CommandArgs);
        Assert.Equal(["--Lawline:DataDirectory", "/tmp/x"], spaced.HostArgs);
    }
}
