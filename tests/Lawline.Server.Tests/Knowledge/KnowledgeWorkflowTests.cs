using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Knowledge;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Tests.Knowledge;

/// <summary>Entries through the API: review and publish, four eyes, proposals from work orders, synonyms, validation.</summary>
public sealed class KnowledgeWorkflowTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    /// <summary>A word no law contains, so a search for it finds only the entry under test.</summary>
    private static string Marker() => "zq" + new string([.. Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + c % 26))]);

    private static SaveKnowledgeArticleRequest QAndA(string marker) => new()
    {
        Kind = KnowledgeKind.QAndA,
        Title = $"试用期可以延长吗 {marker}",
        Question = "公司说试用期表现不好要延长试用期，合法吗？",
        Body = "同一用人单位与同一劳动者只能约定一次试用期，不得延长。",
        LegalBasis = "《劳动合同法》第十九条",
        Tags = ["试用期"],
    };

    private async Task<(LawlineFactory Factory, ApiClient Admin, ApiClient Author, ApiClient Reviewer, ApiClient Lawyer, int PlatformId)> SetUpAsync()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var author = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        var reviewer = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        var lawyer = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Agent);
        return (factory, admin, author, reviewer, lawyer, platform.Id);
    }

    private static Task<KnowledgeArticleDto> MoveAsync(ApiClient api, KnowledgeArticleDto article, KnowledgeAction action, string? note = null)
        => api.PostOkAsync<KnowledgeArticleDto>($"/api/knowledge/articles/{article.Id}/transitions",
            new KnowledgeTransitionRequest(action, article.Version, note), HttpStatusCode.OK);

    [Fact]
    public async Task A_draft_is_found_only_once_another_reviewer_publishes_it_and_no_longer_once_retired()
    {
        var (_, admin, author, reviewer, lawyer, _) = await SetUpAsync();
        var marker = Marker();
        var draft = await author.PostOkAsync<KnowledgeArticleDto>("/api/knowledge/articles", QAndA(marker));
        Assert.Equal(KnowledgeStatus.Draft, draft.Status);
        Assert.Empty((await KnowledgeSearchTests.SearchAsync(lawyer, marker)).Hits);

        var inReview = await MoveAsync(author, draft, KnowledgeAction.Submit);
        Assert.Empty((await KnowledgeSearchTests.SearchAsync(lawyer, marker)).Hits);

        // Four eyes: the author cannot publish their own entry; a lawyer cannot publish at all.
        var own = await ApiClient.ReadProblemAsync(await author.PostAsync($"/api/knowledge/articles/{draft.Id}/transitions",
            new KnowledgeTransitionRequest(KnowledgeAction.Publish, inReview.Version)), HttpStatusCode.BadRequest);
        Assert.Contains("author", own.Detail, StringComparison.OrdinalIgnoreCase);
        await ApiClient.ReadProblemAsync(await lawyer.PostAsync($"/api/knowledge/articles/{draft.Id}/transitions",
            new KnowledgeTransitionRequest(KnowledgeAction.Publish, inReview.Version)), HttpStatusCode.BadRequest);

        var published = await MoveAsync(reviewer, inReview, KnowledgeAction.Publish);
        Assert.Equal(KnowledgeStatus.Published, published.Status);
        Assert.Equal(draft.AuthorUserId, published.AuthorUserId);
        Assert.NotNull(published.ApproverUserId);
        Assert.NotEqual(published.AuthorUserId, published.ApproverUserId);

        var found = await KnowledgeSearchTests.SearchAsync(lawyer, marker);
        var hit = Assert.Single(found.Hits);
        Assert.Equal(KnowledgeKind.QAndA, hit.Kind);
        Assert.Equal(draft.Id, hit.Id);
        Assert.Contains(marker, hit.Title, StringComparison.Ordinal);

        // Editing a published entry sends it back through review.
        var edited = await author.PutOkAsync<KnowledgeArticleDto>($"/api/knowledge/articles/{draft.Id}",
            QAndA(marker) with { Body = "试用期不得延长；超过法定期限的，超过部分视为正式用工。", Version = published.Version });
        Assert.Equal(KnowledgeStatus.Draft, edited.Status);
        Assert.Empty((await KnowledgeSearchTests.SearchAsync(lawyer, marker)).Hits);
        var again = await MoveAsync(reviewer, await MoveAsync(author, edited, KnowledgeAction.Submit), KnowledgeAction.Publish);
        Assert.Single((await KnowledgeSearchTests.SearchAsync(lawyer, marker)).Hits);

        await MoveAsync(reviewer, again, KnowledgeAction.Retire);
        Assert.Empty((await KnowledgeSearchTests.SearchAsync(lawyer, marker)).Hits);
        admin.Dispose();
    }

    [Fact]
    public async Task An_expired_entry_is_left_out_unless_asked_for()
    {
        var (factory, admin, author, reviewer, lawyer, _) = await SetUpAsync();
        var marker = Marker();
        var draft = await author.PostOkAsync<KnowledgeArticleDto>("/api/knowledge/articles",
            QAndA(marker) with { ExpiresAt = factory.Clock.GetUtcNow().AddHours(1) });
        await MoveAsync(reviewer, await MoveAsync(author, draft, KnowledgeAction.Submit), KnowledgeAction.Publish);
        Assert.Single((await KnowledgeSearchTests.SearchAsync(lawyer, marker)).Hits);

        // Within the sign-in token's lifetime.
        factory.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty((await KnowledgeSearchTests.SearchAsync(lawyer, marker)).Hits);
        var expired = await lawyer.GetOkAsync<KnowledgeSearchResult>($"/api/knowledge/search?q={marker}&includeExpired=true");
        Assert.Single(expired.Hits);
        admin.Dispose();
    }

    [Fact]
    public async Task Invalid_entries_are_400_with_a_message_per_field()
    {
        var (_, admin, author, _, lawyer, _) = await SetUpAsync();
        var response = await author.PostAsync("/api/knowledge/articles", new SaveKnowledgeArticleRequest { Kind = KnowledgeKind.QAndA, Title = " " });
        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("title", problem.Errors!.Keys);
        Assert.Contains("body", problem.Errors.Keys);
        Assert.Contains("question", problem.Errors.Keys);

        var law = await ApiClient.ReadProblemAsync(await author.PostAsync("/api/knowledge/articles",
            new SaveKnowledgeArticleRequest { Kind = KnowledgeKind.LawArticle, Title = "x", Body = "y" }), HttpStatusCode.BadRequest);
        Assert.Contains("lawTitle", law.Errors!.Keys);
        Assert.Contains("articleNumber", law.Errors.Keys);

        var agency = await ApiClient.ReadProblemAsync(await author.PostAsync("/api/knowledge/articles",
            new SaveKnowledgeArticleRequest { Kind = KnowledgeKind.Agency, Title = "某区法律援助中心", Body = "免费法律援助", CategoryId = 99_999_999 }), HttpStatusCode.BadRequest);
        Assert.Contains("address", agency.Errors!.Keys);
        Assert.Contains("categoryId", agency.Errors.Keys);

        // Lawyers propose from work orders; they do not write entries directly. Only administrators share entries.
        await ApiClient.ExpectStatusAsync(await lawyer.PostAsync("/api/knowledge/articles", QAndA(Marker())), HttpStatusCode.Forbidden);
        await ApiClient.ReadFieldErrorAsync(await author.PostAsync("/api/knowledge/articles", QAndA(Marker()) with { Shared = true }), "shared");

        // A stale version is a conflict.
        var draft = await author.PostOkAsync<KnowledgeArticleDto>("/api/knowledge/articles", QAndA(Marker()));
        await ApiClient.ExpectStatusAsync(await author.PutAsync($"/api/knowledge/articles/{draft.Id}", QAndA(Marker()) with { Version = draft.Version + 5 }),
            HttpStatusCode.Conflict);
        admin.Dispose();
    }

    [Fact]
    public async Task A_lawyer_proposes_a_completed_work_order_as_a_draft_q_and_a()
    {
        var (_, admin, _, _, lawyer, platformId) = await SetUpAsync();
        var open = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platformId, WorkOrderTestData.WageArrears));
        var notYet = await ApiClient.ReadProblemAsync(await lawyer.PostAsync("/api/knowledge/proposals", new ProposeFromWorkOrderRequest(open.Id)), HttpStatusCode.BadRequest);
        Assert.Contains("not completed", notYet.Detail, StringComparison.Ordinal);

        var done = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platformId, WorkOrderTestData.WageArrears, completeWith: WorkOrderOutcome.AnsweredOnLine));
        var proposal = await lawyer.PostOkAsync<KnowledgeArticleDto>("/api/knowledge/proposals", new ProposeFromWorkOrderRequest(done.Id));

        Assert.Equal(KnowledgeKind.QAndA, proposal.Kind);
        Assert.Equal(KnowledgeStatus.Draft, proposal.Status);
        Assert.Equal("老板拖欠了我三个月工资，怎么办？", proposal.Question);
        Assert.Equal("可向劳动人事争议仲裁委员会申请仲裁。", proposal.Body);
        Assert.Equal("《劳动合同法》第三十条", proposal.LegalBasis);
        Assert.Equal(done.Id, proposal.SourceWorkOrderId);
        Assert.Equal(platformId, proposal.PlatformId);
        Assert.NotNull(proposal.CategoryId);
        Assert.NotNull(proposal.SkillId);

        await ApiClient.ExpectStatusAsync(await lawyer.PostAsync("/api/knowledge/proposals", new ProposeFromWorkOrderRequest(done.Id)), HttpStatusCode.Conflict);
        // The lawyer may polish their own draft and submit it.
        var submitted = await MoveAsync(lawyer, proposal, KnowledgeAction.Submit);
        Assert.Equal(KnowledgeStatus.InReview, submitted.Status);
        admin.Dispose();
    }

    [Fact]
    public async Task Administrators_edit_synonyms_and_queries_use_them_at_once()
    {
        var (_, admin, author, reviewer, lawyer, _) = await SetUpAsync();
        var defaults = await lawyer.GetOkAsync<List<SynonymDto>>("/api/knowledge/synonyms");
        // The groups of Knowledge/Data/default-synonyms.json.
        Assert.True(defaults.Count >= 100, $"{defaults.Count} default synonym groups");
        Assert.Contains(defaults, s => s.Term == "欠薪" && s.Synonyms.Contains("劳动报酬"));

        var marker = Marker();
        var lay = Marker();
        var draft = await author.PostOkAsync<KnowledgeArticleDto>("/api/knowledge/articles", QAndA(marker));
        await MoveAsync(reviewer, await MoveAsync(author, draft, KnowledgeAction.Submit), KnowledgeAction.Publish);
        Assert.Empty((await KnowledgeSearchTests.SearchAsync(lawyer, lay)).Hits);

        await ApiClient.ExpectStatusAsync(await lawyer.PostAsync("/api/knowledge/synonyms", new SaveSynonymRequest(lay, [marker])), HttpStatusCode.Forbidden);
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/knowledge/synonyms", new SaveSynonymRequest("", [marker])), "term");
        await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/knowledge/synonyms", new SaveSynonymRequest(lay, [])), "synonyms");
        var synonym = await admin.PostOkAsync<SynonymDto>("/api/knowledge/synonyms", new SaveSynonymRequest(lay, [marker]));
        await ApiClient.ExpectStatusAsync(await admin.PostAsync("/api/knowledge/synonyms", new SaveSynonymRequest(lay, ["别的"])), HttpStatusCode.Conflict);

        Assert.Equal(draft.Id, Assert.Single((await KnowledgeSearchTests.SearchAsync(lawyer, lay)).Hits).Id);

        await ApiClient.ExpectStatusAsync(await admin.Http.DeleteAsync($"/api/knowledge/synonyms/{synonym.Id}"), HttpStatusCode.NoContent);
        Assert.Empty((await KnowledgeSearchTests.SearchAsync(lawyer, lay)).Hits);
    }

    [Fact]
    public async Task Another_districts_entries_are_not_found()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var (_, a, b) = await admin.CreateCityWithDistrictsAsync();
        using var authorA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        using var reviewerA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.PlatformManager);
        using var lawyerB = await factory.CreateUserAndSignInAsync(admin, b.Id, LawlineRoles.Agent);
        using var lawyerA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Agent);
        var marker = Marker();
        var draft = await authorA.PostOkAsync<KnowledgeArticleDto>("/api/knowledge/articles", QAndA(marker));
        await MoveAsync(reviewerA, await MoveAsync(authorA, draft, KnowledgeAction.Submit), KnowledgeAction.Publish);

        Assert.Single((await KnowledgeSearchTests.SearchAsync(lawyerA, marker)).Hits);
        Assert.Empty((await KnowledgeSearchTests.SearchAsync(lawyerB, marker)).Hits);
        await ApiClient.ExpectStatusAsync(await lawyerB.GetAsync($"/api/knowledge/articles/{draft.Id}"), HttpStatusCode.NotFound);
    }
}
