using System.Net;
using System.Net.Http.Headers;
using Lawline.Server.Data;
using Lawline.Server.Taxonomy;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Taxonomy;

/// <summary>The default taxonomy, the importer (on the court's real 2011 tree too), versioning and the picker.</summary>
public sealed class TaxonomyTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private static string Wenshu(string file) => SharedData.Path("data", "taxonomy", "wenshu-anyou-tree-2011", file);

    [Fact]
    public async Task A_new_installation_has_the_default_taxonomy_covering_the_2020_civil_regulation()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var all = await admin.GetOkAsync<List<CategoryEntry>>("/api/taxonomy");

        Assert.InRange(all.Count, 1400, 2000);
        Assert.Equal(["MS", "XS", "XZ"], all.Where(c => c.Level == 1).Select(c => c.Code).Take(3));
        var civil = all.Where(c => c.Path.StartsWith("/MS/", StringComparison.Ordinal)).ToList();
        // The regulation: 11 parts, 54 second-level causes, 473 numbered third-level causes.
        Assert.Equal(11, civil.Count(c => c.Level == 2));
        Assert.Equal(54, civil.Count(c => c.Level == 3));
        Assert.Equal(473, civil.Count(c => c.Level == 4));
        Assert.Contains(civil, c => c.Name == "个人信息保护纠纷");
        Assert.Contains(civil, c => c.Name == "居住权纠纷");
        Assert.Contains(civil, c => c.Name == "离婚纠纷" && c.SkillCode == "FAMILY");
        Assert.Contains(civil, c => c.Name == "追索劳动报酬纠纷" && c.SkillCode == "MIGRANT-WAGES");
        Assert.Contains(all, c => c.Name == "法律援助" && c.Level == 1);
        Assert.All(all, c => Assert.False(string.IsNullOrEmpty(c.SkillCode), $"{c.Code} {c.Name} has no skill"));
    }

    [Theory]
    [InlineData("anyou.flat.csv")]
    [InlineData("anyou.treeNodes.json")]
    public async Task The_real_2011_cause_of_action_tree_imports_whole_and_again_changes_nothing(string file)
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();

        var first = await ImportAsync(admin, Wenshu(file), "wenshu-2011");
        Assert.Equal(1462, first.Created);
        var again = await ImportAsync(admin, Wenshu(file), "wenshu-2011");
        Assert.Equal(0, again.Created + again.Renamed + again.Moved + again.Retired);
        Assert.Equal(1462, again.Unchanged);

        var divorce = await admin.GetOkAsync<CategoryEntry>("/api/taxonomy/002002001002");
        Assert.Equal("离婚纠纷", divorce.Name);
        Assert.Equal(4, divorce.Level);
        Assert.Equal("民事案由 > 婚姻家庭、继承纠纷 > 婚姻家庭纠纷 > 离婚纠纷", divorce.FullName);
        var all = await admin.GetOkAsync<List<CategoryEntry>>("/api/taxonomy");
        Assert.Equal(4, all.Count(c => c.Level == 1 && c.Code.StartsWith("00", StringComparison.Ordinal)));
        Assert.Equal(371, all.Count(c => c.Level == 5 && c.Code.StartsWith("00", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Renaming_and_retiring_keep_old_work_orders_and_map_old_codes_to_new()
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var v1 = """
            {"version":"v1","nodes":[
              {"code":"T","name":"测试","parentCode":null,"level":1,"skill":"GENERAL"},
              {"code":"T.01","name":"欠薪","parentCode":"T","level":2,"skill":"LABOR"},
              {"code":"T.02","name":"工伤","parentCode":"T","level":2,"skill":"LABOR"}]}
            """;
        await ImportTextAsync(admin, v1, "v1.json");
        var order = await admin.PostOkAsync<Lawline.Server.WorkOrders.WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platform.Id, "T.01"));

        var v2 = """
            {"version":"v2","nodes":[
              {"code":"T","name":"测试","parentCode":null,"level":1,"skill":"GENERAL"},
              {"code":"T.02","name":"工伤认定与赔偿","parentCode":"T","level":2,"skill":"LABOR"}]}
            """;
        var report = await ImportTextAsync(admin, v2, "v2.json", retireMissing: true);
        Assert.Equal(1, report.Renamed);
        Assert.True(report.Retired >= 1);
        var retire = await admin.PostAsync("/api/taxonomy/T.01/retire", new RetireCategoryRequest("T.02"));
        await ApiClient.ExpectStatusAsync(retire, HttpStatusCode.NoContent);

        // The old work order keeps its category; the category says what replaced it.
        var reread = await admin.GetOkAsync<Lawline.Server.WorkOrders.WorkOrderDto>($"/api/work-orders/{order.Id}");
        Assert.Equal("T.01", reread.CategoryCode);
        Assert.Equal("欠薪", reread.CategoryName);
        var old = await admin.GetOkAsync<CategoryEntry>("/api/taxonomy/T.01");
        Assert.True(old.IsRetired);
        Assert.Equal("T.02", old.ReplacedByCode);
        var index = factory.Services.GetRequiredService<TaxonomyIndex>();
        Assert.Equal("T.02", await index.CurrentCodeAsync("T.01", CancellationToken.None));
        var revisions = await admin.GetOkAsync<List<CategoryRevision>>("/api/taxonomy/T.02/revisions");
        Assert.Contains(revisions, r => r.Kind == CategoryRevisionKind.Renamed && r.Before == "工伤" && r.After == "工伤认定与赔偿");

        // A retired category cannot be chosen for a new order.
        var refused = await admin.PostAsync("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, "T.01"));
        await ApiClient.ReadFieldErrorAsync(refused, "categoryCode");
    }

    [Fact]
    public async Task A_file_with_problems_is_refused_whole_with_the_line_of_each_problem()
    {
        await using var factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var before = (await admin.GetOkAsync<List<CategoryEntry>>("/api/taxonomy")).Count;
        var csv = "code,name,parent_code,level,skill\nQ,问题,,1,GENERAL\nQ.1,好的,Q,2,\nQ.2,父级不存在,NOPE,2,\nQ.3,,Q,2,\nQ.4,技能未知,Q,2,ASTROLOGY\n";

        var response = await PostFileAsync(admin, csv, "bad.csv", null, false);
        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(3, problem.Errors!.Count);
        Assert.Contains(problem.Errors, e => e.Value.Any(m => m.Contains("NOPE", StringComparison.Ordinal)));
        Assert.Contains(problem.Errors, e => e.Value.Any(m => m.Contains("ASTROLOGY", StringComparison.Ordinal)));
        Assert.Equal(before, (await admin.GetOkAsync<List<CategoryEntry>>("/api/taxonomy")).Count);
    }

    [Fact]
    public async Task Export_round_trips_through_import()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        foreach (var format in new[] { "csv", "json" })
        {
            var file = await admin.Http.GetByteArrayAsync($"/api/taxonomy/export?format={format}");
            var response = await PostFileAsync(admin, System.Text.Encoding.UTF8.GetString(file), "export." + format, "roundtrip-" + format, false);
            var report = await ApiClient.ReadAsync<TaxonomyImportReport>(response, HttpStatusCode.OK);
            Assert.Equal(0, report.Created + report.Renamed + report.Moved + report.SkillChanged);
            Assert.True(report.Unchanged > 1400, $"{format}: {report.Unchanged} unchanged");
        }
    }

    [Theory]
    [InlineData("ldzy", "劳动争议")]
    [InlineData("离婚", "离婚纠纷")]
    [InlineData("lhjf", "离婚纠纷")]
    [InlineData("民间借贷", "民间借贷纠纷")]
    [InlineData("zsldbc", "追索劳动报酬纠纷")]
    [InlineData("法律援助", "法律援助")]
    public async Task The_picker_finds_categories_by_hanzi_or_pinyin_initials(string typed, string expected)
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var matches = await admin.GetOkAsync<List<CategoryMatch>>($"/api/taxonomy/search?q={Uri.EscapeDataString(typed)}&top=5");
        Assert.Contains(matches, m => m.Category.Name == expected);
    }

    [Fact]
    public async Task The_picker_puts_the_agents_recently_used_categories_first()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, platform.Id, Lawline.Server.Security.LawlineRoles.Agent);
        var all = await lawyer.GetOkAsync<List<CategoryEntry>>("/api/taxonomy");
        // Several categories contain 劳动; this agent keeps choosing a specific one.
        var favourite = all.First(c => c.Name == "劳务派遣合同纠纷");
        await lawyer.PostOkAsync<Lawline.Server.WorkOrders.WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, favourite.Code));

        var matches = await lawyer.GetOkAsync<List<CategoryMatch>>("/api/taxonomy/search?q=" + Uri.EscapeDataString("劳") + "&top=5");
        Assert.Equal(favourite.Code, matches[0].Category.Code);
        Assert.True(matches[0].RecentlyUsed);
        var empty = await lawyer.GetOkAsync<List<CategoryMatch>>("/api/taxonomy/search?top=5");
        Assert.Equal(favourite.Code, empty[0].Category.Code);
    }

    [Fact]
    public void Pinyin_matching_accepts_mixed_hanzi_and_initials_in_a_contiguous_window()
    {
        string[] initials = ["z", "s", "l", "d", "b", "c", "j", "f"]; // 追索劳动报酬纠纷
        Assert.Equal(0, TaxonomyIndex.Match("zsld", "追索劳动报酬纠纷", initials));
        Assert.Equal(2, TaxonomyIndex.Match("劳d", "追索劳动报酬纠纷", initials));
        Assert.Equal(-1, TaxonomyIndex.Match("zld", "追索劳动报酬纠纷", initials));
    }

    private static async Task<TaxonomyImportReport> ImportAsync(ApiClient admin, string path, string version)
        => await ApiClient.ReadAsync<TaxonomyImportReport>(
            await PostFileAsync(admin, await File.ReadAllTextAsync(path), System.IO.Path.GetFileName(path), version, false), HttpStatusCode.OK);

    private static async Task<TaxonomyImportReport> ImportTextAsync(ApiClient admin, string text, string name, bool retireMissing = false)
        => await ApiClient.ReadAsync<TaxonomyImportReport>(await PostFileAsync(admin, text, name, null, retireMissing), HttpStatusCode.OK);

    private static Task<HttpResponseMessage> PostFileAsync(ApiClient admin, string text, string name, string? version, bool retireMissing)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "application/json");
        form.Add(file, "file", name);
        if (version is not null)
        {
            form.Add(new StringContent(version), "version");
        }
        form.Add(new StringContent(retireMissing ? "true" : "false"), "retireMissing");
        return admin.Http.PostAsync("/api/taxonomy/import", form);
    }
}
