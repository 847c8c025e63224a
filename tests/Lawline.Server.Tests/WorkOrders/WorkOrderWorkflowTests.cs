using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Tests.WorkOrders;

/// <summary>A work order's life: registered, handed over with a deadline, overdue, feedback, completed, closed, reopened.</summary>
public sealed class WorkOrderWorkflowTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Theory, DatabaseData]
    public async Task An_agent_registers_hands_over_sees_it_go_overdue_and_closes_it(DatabaseProvider provider)
    {
        await using var factory = await LawlineFactory.StartAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var lawyerAccount = await admin.CreateUserAsync(platform.Id, LawlineRoles.Agent);
        var lawyer = await factory.SignInAsync(lawyerAccount.UserName, TestData.UserPassword);

        var order = await lawyer.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.WageArrears, phone: "13912345678"));
        Assert.Matches($@"^{platform.Code}-\d{{8}}-00001$", order.Number);
        Assert.Equal(WorkOrderStatus.Registered, order.Status);
        Assert.Equal("13912345678", order.CallerPhone);
        Assert.False(order.CallerPhoneMasked);
        Assert.False(string.IsNullOrEmpty(order.CallerProvince), "the region is derived from the number");
        Assert.Equal("农民工讨薪", order.SkillName);
        Assert.False(string.IsNullOrEmpty(order.OwnerName));

        order = await TransitionAsync(lawyer, order, new(order.Version, WorkOrderAction.Start));
        var deadline = factory.Clock.GetUtcNow().AddDays(2);
        order = await TransitionAsync(lawyer, order, new(order.Version, WorkOrderAction.HandOver, Body: "区劳动保障监察大队", Deadline: deadline));
        Assert.Equal(WorkOrderStatus.HandedOver, order.Status);
        Assert.Equal(WorkOrderOutcome.HandedOver, order.Outcome);
        order = await TransitionAsync(lawyer, order, new(order.Version, WorkOrderAction.ConfirmReceipt));
        Assert.Equal(WorkOrderStatus.AwaitingFeedback, order.Status);
        Assert.False(order.IsOverdue);

        // Time passes beyond the hand-over deadline: the order shows as overdue, in the list too.
        factory.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromHours(1));
        lawyer.Dispose();
        lawyer = await factory.SignInAsync(lawyerAccount.UserName, TestData.UserPassword); // the old token has expired
        order = await lawyer.GetOkAsync<WorkOrderDto>($"/api/work-orders/{order.Id}");
        Assert.True(order.IsOverdue);
        var overdue = await lawyer.GetOkAsync<WorkOrderPage>($"/api/work-orders?overdue=true&platformId={platform.Id}");
        Assert.Contains(overdue.Items, o => o.Id == order.Id && o.IsOverdue);

        order = await TransitionAsync(lawyer, order, new(order.Version, WorkOrderAction.RecordFeedback, Feedback: "已责令用人单位支付工资"));
        Assert.Equal(WorkOrderStatus.Completed, order.Status);
        Assert.False(order.IsOverdue);
        order = await TransitionAsync(lawyer, order, new(order.Version, WorkOrderAction.Close));
        Assert.Equal(WorkOrderStatus.Closed, order.Status);

        var history = await lawyer.GetOkAsync<List<WorkOrderEventDto>>($"/api/work-orders/{order.Id}/history");
        Assert.Equal(
            [WorkOrderStatus.Registered, WorkOrderStatus.InProgress, WorkOrderStatus.HandedOver, WorkOrderStatus.AwaitingFeedback, WorkOrderStatus.Completed, WorkOrderStatus.Closed],
            history.Select(h => h.ToStatus).OfType<WorkOrderStatus>());
        Assert.All(history, h => Assert.Equal(lawyer.UserName, h.UserName));

        // Reopening needs a reason, and sets a new deadline.
        var noReason = await lawyer.PostAsync($"/api/work-orders/{order.Id}/transitions", new TransitionRequest(order.Version, WorkOrderAction.Reopen));
        await ApiClient.ReadFieldErrorAsync(noReason, "reason");
        order = await TransitionAsync(lawyer, order, new(order.Version, WorkOrderAction.Reopen, Reason: "来电人反映工资仍未到账"));
        Assert.Equal(WorkOrderStatus.InProgress, order.Status);
        Assert.Equal(1, order.ReopenCount);
        Assert.True(order.DueAt > factory.Clock.GetUtcNow());
        lawyer.Dispose();
    }

    [Fact]
    public async Task Illegal_transitions_are_refused_with_a_clear_message_and_change_nothing()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var order = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce));

        foreach (var action in new[] { WorkOrderAction.Close, WorkOrderAction.ConfirmReceipt, WorkOrderAction.RecordFeedback, WorkOrderAction.Reopen })
        {
            var response = await admin.PostAsync($"/api/work-orders/{order.Id}/transitions",
                new TransitionRequest(order.Version, action, Reason: "x", Feedback: "x"));
            var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Contains(order.Number, problem.Detail ?? string.Join(" ", problem.Errors!.SelectMany(e => e.Value)), StringComparison.Ordinal);
        }
        var unchanged = await admin.GetOkAsync<WorkOrderDto>($"/api/work-orders/{order.Id}");
        Assert.Equal(WorkOrderStatus.Registered, unchanged.Status);
        Assert.Equal(order.Version, unchanged.Version);

        // Completing an answered consultation needs the answer.
        var noAnswer = await admin.PostAsync($"/api/work-orders/{order.Id}/transitions",
            new TransitionRequest(order.Version, WorkOrderAction.Complete, Outcome: WorkOrderOutcome.AnsweredOnLine));
        await ApiClient.ReadFieldErrorAsync(noAnswer, "answer");
        var noAgency = await admin.PostAsync($"/api/work-orders/{order.Id}/transitions",
            new TransitionRequest(order.Version, WorkOrderAction.Complete, Outcome: WorkOrderOutcome.Referred));
        await ApiClient.ReadFieldErrorAsync(noAgency, "referralAgency");
        var past = await admin.PostAsync($"/api/work-orders/{order.Id}/transitions",
            new TransitionRequest(order.Version, WorkOrderAction.HandOver, Body: "12345", Deadline: factory.Clock.GetUtcNow().AddHours(-1)));
        await ApiClient.ReadFieldErrorAsync(past, "deadline");
    }

    [Fact]
    public async Task A_referral_and_an_escalation_record_the_agency_and_the_experts_answer()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var staffed = await admin.StaffAsync(await admin.CreatePlatformAsync());

        var referred = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(staffed.Platform.Id, WorkOrderTestData.Divorce) with
            {
                CompleteWith = WorkOrderOutcome.Referred, ReferralAgency = ReferralAgency.LegalAid,
                ReferralAgencyName = "江岸区法律援助中心", GuidanceSmsSent = true,
            });
        Assert.Equal(WorkOrderStatus.Completed, referred.Status);
        Assert.Equal(ReferralAgency.LegalAid, referred.ReferralAgency);
        Assert.True(referred.GuidanceSmsSent);

        var order = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(staffed.Platform.Id, WorkOrderTestData.Divorce));
        order = await TransitionAsync(admin, order, new(order.Version, WorkOrderAction.Escalate, ExpertAgentId: staffed.Agent.Id, Note: "涉及涉外婚姻"));
        Assert.Equal([WorkOrderAction.RecordExpertAnswer, WorkOrderAction.HandOver, WorkOrderAction.Escalate], order.AllowedActions);
        order = await TransitionAsync(admin, order, new(order.Version, WorkOrderAction.RecordExpertAnswer, ExpertAnswer: "应适用经常居所地法律"));
        order = await TransitionAsync(admin, order, new(order.Version, WorkOrderAction.Complete, Outcome: WorkOrderOutcome.Escalated));
        Assert.Equal(WorkOrderStatus.Completed, order.Status);
        Assert.Equal("应适用经常居所地法律", order.ExpertAnswer);
    }

    [Fact]
    public async Task Deadlines_follow_the_type_and_urgency_in_working_days()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var consultation = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce));
        var complaint = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce, type: WorkOrderType.Complaint));
        var urgent = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce, urgency: WorkOrderUrgency.Urgent));

        var beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(factory.Clock.GetUtcNow(), beijing).DateTime);
        DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, beijing).DateTime);
        Assert.True(LocalDay(urgent.DueAt) <= today.AddDays(3), "urgent: the same (working) day");
        Assert.True(LocalDay(consultation.DueAt) > LocalDay(urgent.DueAt));
        Assert.True(LocalDay(complaint.DueAt) >= today.AddDays(13 + 4), "13 working days are at least 17 calendar days");
    }

    [Fact]
    public async Task Numbers_run_per_platform_and_day()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var (_, a, b) = await admin.CreateCityWithDistrictsAsync();
        var numbers = new List<string>();
        foreach (var platform in new[] { a, a, b, a })
        {
            numbers.Add((await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce))).Number);
        }
        Assert.EndsWith("-00001", numbers[0], StringComparison.Ordinal);
        Assert.EndsWith("-00002", numbers[1], StringComparison.Ordinal);
        Assert.StartsWith(b.Code + "-", numbers[2], StringComparison.Ordinal);
        Assert.EndsWith("-00001", numbers[2], StringComparison.Ordinal);
        Assert.EndsWith("-00003", numbers[3], StringComparison.Ordinal);
    }

    private static Task<WorkOrderDto> TransitionAsync(ApiClient api, WorkOrderDto order, TransitionRequest request)
        => api.PostOkAsync<WorkOrderDto>($"/api/work-orders/{order.Id}/transitions", request, HttpStatusCode.OK);
}
