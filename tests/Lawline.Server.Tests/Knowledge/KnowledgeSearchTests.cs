using System.Net;
using System.Text.RegularExpressions;
using Lawline.Server.Data;
using Lawline.Server.Knowledge;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Knowledge;

/// <summary>The law importer on the 20 shared law files, and search over them.</summary>
public sealed partial class KnowledgeSearchTests(LawsInstallation laws) : IClassFixture<LawsInstallation>
{
    [GeneratedRegex(@"^第.+?条 ", RegexOptions.Multiline)]
    private static partial Regex ArticleStart();

    private static int ArticleLines(params string[] files)
        => files.Sum(f => ArticleStart().Matches(File.ReadAllText(Path.Combine(LawsInstallation.LawsFolder, f))).Count);

    private static int ArticleLinesOf(string pattern)
        => ArticleLines([.. Directory.GetFiles(LawsInstallation.LawsFolder, pattern).Select(Path.GetFileName).OfType<string>()]);

    [Fact]
    public async Task Importing_the_laws_makes_one_record_per_article_and_again_changes_nothing()
    {
        var allLines = ArticleLinesOf("*.md");
        Assert.Equal(20, laws.FirstImport.Files);
        Assert.Equal(13, laws.FirstImport.Laws); // 民法典's eight books are one law
        Assert.Equal(allLines, laws.FirstImport.Added);

        using var admin = await laws.Factory.AdminAsync();
        var civil = await admin.GetOkAsync<KnowledgePage>("/api/knowledge/articles?kind=LawArticle&law=民法典&pageSize=1");
        Assert.Equal(1260, civil.Total);
        Assert.Equal(ArticleLinesOf("民法典-*.md"), civil.Total);
        var labour = await admin.GetOkAsync<KnowledgePage>("/api/knowledge/articles?kind=LawArticle&law=中华人民共和国劳动合同法&pageSize=500");
        Assert.Equal(98 + ArticleLinesOf("*劳动合同法实施条例*.md"), labour.Total); // "劳动合同法" is in both titles
        Assert.Equal(98, labour.Items.Count(i => i.Citation!.StartsWith("《劳动合同法》", StringComparison.Ordinal)));

        var again = await LawsInstallation.ImportAsync(laws.Factory, LawsInstallation.LawsFolder);
        Assert.Equal(0, again.Added);
        Assert.Equal(0, again.Updated);
        Assert.Equal(allLines, again.Unchanged);
    }

    [Fact]
    public async Task A_law_article_carries_its_citation_chapter_path_and_whole_text()
    {
        using var admin = await laws.Factory.AdminAsync();
        var hit = (await SearchAsync(admin, "民法典 1079")).Hits[0];
        var article = await admin.GetOkAsync<KnowledgeArticleDto>($"/api/knowledge/articles/{hit.Id}");

        Assert.Equal("《民法典》第一千零七十九条", article.Citation);
        Assert.Equal("中华人民共和国民法典", article.LawTitle);
        Assert.Equal(1079, article.ArticleNumber);
        Assert.Equal(KnowledgeStatus.Published, article.Status);
        Assert.StartsWith("婚姻家庭编 > 第四章", article.ChapterPath, StringComparison.Ordinal);
        Assert.StartsWith("夫妻一方要求离婚的", article.Body, StringComparison.Ordinal);
        Assert.Contains("分居满一年", article.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("民法典 1079", "《民法典》第一千零七十九条")]
    [InlineData("民法典第1079条", "《民法典》第一千零七十九条")]
    [InlineData("第一千零七十九条", "《民法典》第一千零七十九条")]
    [InlineData("民法典第一千零七十九条", "《民法典》第一千零七十九条")]
    [InlineData("劳动合同法82条", "《劳动合同法》第八十二条")]
    [InlineData("劳动合同法 第八十二条", "《劳动合同法》第八十二条")]
    [InlineData("劳动法第50条", "《劳动法》第五十条")]
    [InlineData("劳动合同法实施条例第十条", "《劳动合同法实施条例》第十条")]
    public async Task A_citation_finds_its_article_first(string query, string citation)
    {
        using var admin = await laws.Factory.AdminAsync();
        var result = await SearchAsync(admin, query);
        Assert.Equal(citation, result.Hits[0].Citation);
    }

    [Fact]
    public async Task A_lay_question_about_unpaid_wages_finds_the_wage_articles()
    {
        using var admin = await laws.Factory.AdminAsync();
        var result = await SearchAsync(admin, "公司拖欠工资不给怎么办", top: 5);

        string[] wageArticles =
        [
            "《劳动合同法》第三十条", "《劳动合同法》第八十五条", "《劳动法》第五十条", "《劳动法》第九十一条",
            "《劳动争议调解仲裁法》第十六条", "《劳动争议调解仲裁法》第九条",
        ];
        Assert.Contains(result.Hits, h => wageArticles.Contains(h.Citation));
        Assert.All(result.Hits, h => Assert.False(string.IsNullOrEmpty(h.Snippet)));
        Assert.Contains(result.Hits, h => h.Snippet.Contains("<em>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_results_are_ranked_with_kind_title_citation_and_highlighted_snippet()
    {
        using var admin = await laws.Factory.AdminAsync();
        var result = await SearchAsync(admin, "离婚 分居满二年", top: 5);

        Assert.NotEmpty(result.Hits);
        Assert.Equal(result.Hits.OrderByDescending(h => h.Score).Select(h => h.Id), result.Hits.Select(h => h.Id));
        var first = result.Hits[0];
        Assert.Equal(KnowledgeKind.LawArticle, first.Kind);
        Assert.Equal("《民法典》第一千零七十九条", first.Citation);
        Assert.Contains("<em>", first.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_that_finds_nothing_is_recorded_as_a_gap()
    {
        using var admin = await laws.Factory.AdminAsync();
        // Latin letters only: no law contains them.
        var nonsense = "xyzzy" + new string([.. Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + c % 26))]);
        var result = await SearchAsync(admin, nonsense);
        Assert.Empty(result.Hits);

        var gaps = await admin.GetOkAsync<List<SearchGapSummary>>("/api/knowledge/gaps");
        var gap = Assert.Single(gaps, g => g.Query == nonsense);
        Assert.Equal(0, gap.Hits);
        Assert.Equal(1, gap.Count);

        // A citation that is found is not a gap.
        await SearchAsync(admin, "民法典 1079");
        Assert.DoesNotContain(await admin.GetOkAsync<List<SearchGapSummary>>("/api/knowledge/gaps"), g => g.Query == "民法典 1079");
    }

    [Fact]
    public async Task Search_filters_by_kind()
    {
        using var admin = await laws.Factory.AdminAsync();
        var none = await SearchAsync(admin, "离婚", kind: "Agency");
        Assert.Empty(none.Hits);
        var lawsOnly = await SearchAsync(admin, "离婚", kind: "LawArticle");
        Assert.NotEmpty(lawsOnly.Hits);
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=离婚&top=0", "top")]
    [InlineData("q=离婚&top=51", "top")]
    [InlineData("q=离婚&kind=Poem", "kind")]
    public async Task Bad_search_requests_are_400_naming_the_field(string queryString, string field)
    {
        using var admin = await laws.Factory.AdminAsync();
        var problem = await ApiClient.ReadFieldErrorAsync(await admin.GetAsync("/api/knowledge/search?" + queryString), field);
        Assert.Equal(400, problem.Status);
    }

    [Fact]
    public async Task The_benchmark_entry_point_searches_without_http()
    {
        var index = laws.Factory.Services.GetRequiredService<KnowledgeIndex>();
        var result = index.Search(new KnowledgeQuery("劳动合同法82条", 3));
        Assert.Equal("《劳动合同法》第八十二条", result.Hits[0].Citation);
    }

    internal static async Task<KnowledgeSearchResult> SearchAsync(ApiClient api, string q, int top = 10, string? kind = null)
        => await api.GetOkAsync<KnowledgeSearchResult>(
            $"/api/knowledge/search?q={Uri.EscapeDataString(q)}&top={top}" + (kind is null ? "" : $"&kind={kind}"));
}
