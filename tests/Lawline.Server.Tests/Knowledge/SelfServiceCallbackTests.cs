using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Knowledge;
using Lawline.Server.Security;
using Lawline.Server.SelfService;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Knowledge;

/// <summary>A citizen on the self-service page asks for a lawyer's callback, without signing in.</summary>
public sealed class SelfServiceCallbackTests : IAsyncLifetime
{
    private const string PlatformCode = "SELF-1";
    private LawlineFactory _factory = default!;

    public async Task InitializeAsync()
    {
        _factory = await LawlineFactory.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["SelfService:PlatformCode"] = PlatformCode,
            ["SelfService:RequestsPerNumber"] = "2",
            ["SelfService:RequestsPerAddress"] = "50",
        });
        using var admin = await _factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync(PlatformCode);
        await admin.CreateUserAsync(platform.Id, [LawlineRoles.Supervisor]);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    [Fact]
    public async Task Self_service_answers_only_from_published_entries_shared_or_of_its_own_platform()
    {
        using var admin = await _factory.AdminAsync();
        var own = (await admin.GetOkAsync<List<Lawline.Server.Platforms.PlatformDto>>("/api/platforms")).Single(p => p.Code == PlatformCode);
        var other = await admin.CreatePlatformAsync();
        async Task<KnowledgeArticleDto> WriteAsync(int platformId, string marker, bool publish)
        {
            using var author = await _factory.CreateUserAndSignInAsync(admin, platformId, LawlineRoles.Supervisor);
            var draft = await author.PostOkAsync<KnowledgeArticleDto>("/api/knowledge/articles", new SaveKnowledgeArticleRequest
            {
                Kind = KnowledgeKind.QAndA, Title = $"宠物狗咬人谁赔偿 {marker}", Question = $"被狗咬伤了怎么办 {marker}",
                Body = $"动物饲养人或者管理人应当承担侵权责任。{marker}",
            });
            if (!publish)
            {
                return draft;
            }
            using var reviewer = await _factory.CreateUserAndSignInAsync(admin, platformId, LawlineRoles.Supervisor);
            var submitted = await author.PostOkAsync<KnowledgeArticleDto>($"/api/knowledge/articles/{draft.Id}/transitions",
                new KnowledgeTransitionRequest(KnowledgeAction.Submit, draft.Version), HttpStatusCode.OK);
            return await reviewer.PostOkAsync<KnowledgeArticleDto>($"/api/knowledge/articles/{draft.Id}/transitions",
                new KnowledgeTransitionRequest(KnowledgeAction.Publish, submitted.Version), HttpStatusCode.OK);
        }
        var published = await WriteAsync(own.Id, "zqpublished", publish: true);
        await WriteAsync(own.Id, "zqdraft", publish: false);
        await WriteAsync(other.Id, "zqelsewhere", publish: true);

        async Task<SelfServiceResult> AskAsync(string question, long? session = null)
        {
            await using var scope = _factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem(SelfServiceDesk.ActorName);
            return await scope.ServiceProvider.GetRequiredService<SelfServiceDesk>().AskAsync(session, question, CancellationToken.None);
        }
        var found = await AskAsync("zqpublished");
        Assert.Equal(published.Id, Assert.Single(found.Answers).Id);
        Assert.Contains("<em>", found.Answers[0].Snippet, StringComparison.Ordinal);
        Assert.Empty((await AskAsync("zqdraft", found.SessionId)).Answers);
        Assert.Empty((await AskAsync("zqelsewhere", found.SessionId)).Answers);

        // One visit, three questions, no callback; the unanswered ones are gaps for the editors.
        var session = await QueryAsync(db => db.SelfServiceSessions.SingleAsync(s => s.Id == found.SessionId));
        Assert.Equal(3, session.Queries);
        Assert.False(session.AskedForHuman);
        Assert.True(await QueryAsync(db => db.KnowledgeSearchGaps.AnyAsync(g => g.Query == "zqdraft")));
    }

    [Fact]
    public async Task A_request_with_a_good_number_registers_a_self_service_work_order_with_the_question()
    {
        using var citizen = _factory.Anonymous();
        var mobile = Unique.Mobile();
        var created = await citizen.PostOkAsync<SelfServiceCallbackResponse>("/api/self-service/callback-requests",
            new SelfServiceCallbackRequest(mobile, "王女士", "老板三个月没发工资，我该怎么办？"));

        Assert.StartsWith(PlatformCode + "-", created.WorkOrderNumber, StringComparison.Ordinal);
        var order = await QueryAsync(db => db.WorkOrders.Include(w => w.Platform).SingleAsync(w => w.Number == created.WorkOrderNumber));
        Assert.Equal(PlatformCode, order.Platform!.Code);
        Assert.Equal("老板三个月没发工资，我该怎么办？", order.Question);
        Assert.Equal(WorkOrderChannel.SelfService, order.Channel);
        Assert.Equal(WorkOrderStatus.Registered, order.Status);
        Assert.Equal("+86" + mobile, order.CallerPhoneE164);
        Assert.Equal("王女士", order.CallerName);
        // First responsibility: the platform's supervisor (nobody signed in to own it).
        Assert.Equal("测试用户", order.OwnerName);
        var session = await QueryAsync(db => db.SelfServiceSessions.SingleAsync(s => s.WorkOrderId == order.Id));
        Assert.True(session.AskedForHuman);
    }

    [Fact]
    public async Task A_bad_request_is_400_with_field_errors_and_saves_nothing()
    {
        using var citizen = _factory.Anonymous();
        var before = await QueryAsync(db => db.WorkOrders.CountAsync());

        var problem = await ApiClient.ReadProblemAsync(await citizen.PostAsync("/api/self-service/callback-requests",
            new SelfServiceCallbackRequest("12345", new string('名', 40), " ")), HttpStatusCode.BadRequest);
        Assert.Contains("phone", problem.Errors!.Keys);
        Assert.Contains("question", problem.Errors.Keys);
        Assert.Contains("name", problem.Errors.Keys);
        await ApiClient.ReadFieldErrorAsync(await citizen.PostAsync("/api/self-service/callback-requests",
            new SelfServiceCallbackRequest(null, null, "怎么申请法律援助？")), "phone");

        Assert.Equal(before, await QueryAsync(db => db.WorkOrders.CountAsync()));
    }

    [Fact]
    public async Task A_number_asking_too_often_is_refused_with_429_until_the_window_passes()
    {
        using var citizen = _factory.Anonymous();
        var mobile = Unique.Mobile();
        var request = new SelfServiceCallbackRequest(mobile, null, "离婚后孩子的抚养费怎么算？");
        await citizen.PostOkAsync<SelfServiceCallbackResponse>("/api/self-service/callback-requests", request);
        await citizen.PostOkAsync<SelfServiceCallbackResponse>("/api/self-service/callback-requests", request);
        var before = await QueryAsync(db => db.WorkOrders.CountAsync());

        await ApiClient.ReadProblemAsync(await citizen.PostAsync("/api/self-service/callback-requests", request), HttpStatusCode.TooManyRequests);
        Assert.Equal(before, await QueryAsync(db => db.WorkOrders.CountAsync()));
        // Another number from the same address is still served.
        await citizen.PostOkAsync<SelfServiceCallbackResponse>("/api/self-service/callback-requests", request with { Phone = Unique.Mobile() });

        _factory.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        await citizen.PostOkAsync<SelfServiceCallbackResponse>("/api/self-service/callback-requests", request);
    }
}
