using System.Net;
using Lawline.Server.Commendations;
using Lawline.Server.Complaints;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Tests.Complaints;

public sealed class ComplaintTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Theory]
    [DatabaseData]
    public async Task A_complaint_registered_on_a_Thursday_is_due_for_reply_after_the_weekend_and_closes_with_a_finding_that_counts_against_the_lawyer(
        DatabaseProvider provider)
    {
        await using var factory = await LawlineFactory.StartAsync(provider);
        // Thursday 10:00 in Beijing, at least a week ahead (the fake clock only moves forward).
        var day = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(7);
        while (day.DayOfWeek != DayOfWeek.Thursday)
        {
            day = day.AddDays(1);
        }
        factory.Clock.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), Beijing).ToUniversalTime());
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var staff = await admin.StaffAsync(platform);
        var supervisorUser = await admin.CreateUserAsync(platform.Id, LawlineRoles.Supervisor);
        using var supervisor = await factory.SignInAsync(supervisorUser.UserName, TestData.UserPassword);
        var phone = Unique.Mobile();

        var complaint = await supervisor.PostOkAsync<ComplaintDto>("/api/complaints", new RegisterComplaintRequest(
            platform.Id, ComplaintSource.Call, "值班律师态度恶劣，没听完就挂断了电话。", phone, "李女士", staff.Agent.Id));
        // Five working days: Friday, Monday, Tuesday, Wednesday and Thursday; the weekend does not count.
        Assert.Equal(new DateTimeOffset(day.AddDays(7).ToDateTime(new TimeOnly(23, 59, 59)), Beijing), complaint.ReplyDueAt);
        Assert.True(complaint.IsOpen);
        Assert.False(complaint.IsReplyOverdue);
        Assert.Equal(staff.Agent.Name, complaint.SubjectAgentName);
        var order = await supervisor.GetOkAsync<WorkOrderDto>($"/api/work-orders/{complaint.WorkOrderId}");
        Assert.Equal(WorkOrderType.Complaint, order.Type);
        Assert.Equal("值班律师态度恶劣，没听完就挂断了电话。", order.Question);

        // Findings need a reply first (or a reason); an empty note is refused.
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync($"/api/complaints/{complaint.WorkOrderId}/notes", new ComplaintNoteRequest(" ")), "text");
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync($"/api/complaints/{complaint.WorkOrderId}/finding",
            new ComplaintFindingRequest(ComplaintFinding.Substantiated, true, null)), "reason");
        var noted = await supervisor.PostOkAsync<ComplaintDto>($"/api/complaints/{complaint.WorkOrderId}/notes",
            new ComplaintNoteRequest("调取录音：律师在通话第3分钟打断来电人。"), HttpStatusCode.OK);
        var note = Assert.Single(noted.Notes);
        Assert.Equal("调取录音：律师在通话第3分钟打断来电人。", note.Text);
        Assert.Equal(factory.Clock.GetUtcNow(), note.At);

        // Past the deadline without a reply: flagged, and found by the overdue filter.
        factory.Clock.Advance(TimeSpan.FromDays(8));
        // A week later the morning's sign-in has expired.
        using var later = await factory.SignInAsync(supervisorUser.UserName, TestData.UserPassword);
        var overdue = await later.GetOkAsync<ComplaintPage>($"/api/complaints?replyOverdue=true&platformId={platform.Id}");
        Assert.True(Assert.Single(overdue.Items).IsReplyOverdue);

        var replied = await later.PostOkAsync<ComplaintDto>($"/api/complaints/{complaint.WorkOrderId}/reply",
            new ComplaintReplyRequest("已核实，已对值班律师进行批评教育，并向您致歉。"), HttpStatusCode.OK);
        Assert.False(replied.IsReplyOverdue);
        Assert.Empty((await later.GetOkAsync<ComplaintPage>($"/api/complaints?replyOverdue=true&platformId={platform.Id}")).Items);
        await ApiClient.ReadFieldErrorAsync(await later.PostAsync($"/api/complaints/{complaint.WorkOrderId}/finding",
            new ComplaintFindingRequest(ComplaintFinding.Unsubstantiated, true, null)), "countsAgainstAssessment");
        var found = await later.PostOkAsync<ComplaintDto>($"/api/complaints/{complaint.WorkOrderId}/finding",
            new ComplaintFindingRequest(ComplaintFinding.Substantiated, true, null), HttpStatusCode.OK);
        Assert.False(found.IsOpen);
        Assert.Equal(ComplaintFinding.Substantiated, found.Finding);

        // The finding closed the investigation.
        await ApiClient.ReadFieldErrorAsync(await later.PostAsync($"/api/complaints/{complaint.WorkOrderId}/notes", new ComplaintNoteRequest("补充")), "finding");
        Assert.Empty((await later.GetOkAsync<ComplaintPage>($"/api/complaints?open=true&platformId={platform.Id}")).Items);
        var counts = await later.GetOkAsync<List<AgentComplaintCount>>($"/api/complaints/against-agents?platformId={platform.Id}");
        var lawyer = Assert.Single(counts);
        Assert.Equal((staff.Agent.Id, 1, 1, 1), (lawyer.AgentId, lawyer.Complaints, lawyer.Substantiated, lawyer.CountingAgainstAssessment));
        Assert.Single((await later.GetOkAsync<ComplaintPage>($"/api/complaints?agentId={staff.Agent.Id}")).Items);
    }

    [Fact]
    public async Task Bad_input_gets_field_errors_an_existing_complaint_order_gets_one_investigation_and_lawyers_cannot_list_complaints()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);

        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync("/api/complaints",
            new RegisterComplaintRequest(platform.Id, ComplaintSource.Call, "  ", Unique.Mobile())), "content");
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync("/api/complaints",
            new RegisterComplaintRequest(platform.Id, ComplaintSource.Call, "态度差", null)), "callerPhone");
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync("/api/complaints",
            new RegisterComplaintRequest(platform.Id, (ComplaintSource)42, "态度差", Unique.Mobile())), "source");
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync("/api/complaints",
            new RegisterComplaintRequest(platform.Id, ComplaintSource.Call, "态度差", Unique.Mobile(), SubjectAgentId: 999_999)), "subjectAgentId");

        var consultation = await supervisor.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce));
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync("/api/complaints",
            new RegisterComplaintRequest(null, ComplaintSource.Call, null, WorkOrderId: consultation.Id)), "workOrderId");
        var complaintOrder = await supervisor.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce, type: WorkOrderType.Complaint));
        var opened = await supervisor.PostOkAsync<ComplaintDto>("/api/complaints",
            new RegisterComplaintRequest(null, ComplaintSource.Letter, null, WorkOrderId: complaintOrder.Id));
        Assert.Equal(complaintOrder.Number, opened.WorkOrderNumber);
        Assert.Equal(ComplaintSource.Letter, opened.Source);
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync("/api/complaints",
            new RegisterComplaintRequest(null, ComplaintSource.Letter, null, WorkOrderId: complaintOrder.Id)), "workOrderId", HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/complaints/{consultation.Id}")).StatusCode);

        // A lawyer may register what a caller complains about, but not read the complaints.
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.GetAsync("/api/complaints")).StatusCode);
        var byLawyer = await lawyer.PostAsync("/api/complaints", new RegisterComplaintRequest(platform.Id, ComplaintSource.Call, "律师答复不专业", Unique.Mobile()));
        Assert.Equal(HttpStatusCode.Created, byLawyer.StatusCode);
    }

    [Fact]
    public async Task Praise_letters_and_banners_are_counted_per_kind_and_per_lawyer_for_the_period()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var staff = await admin.StaffAsync(platform);
        var other = await admin.CreateAgentAsync(platform.Id, staff.LawFirm.Id);
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        var now = factory.Clock.GetUtcNow();

        async Task AddAsync(int agentId, CommendationKind kind, DateTimeOffset at)
            => await supervisor.PostOkAsync<CommendationDto>("/api/commendations", new CommendationRequest(agentId, kind, at, "张大爷", "感谢律师耐心解答", null));
        await AddAsync(staff.Agent.Id, CommendationKind.Banner, now.AddDays(-3));
        await AddAsync(staff.Agent.Id, CommendationKind.ThankYouLetter, now.AddDays(-2));
        await AddAsync(staff.Agent.Id, CommendationKind.Praise, now.AddDays(-1));
        await AddAsync(other.Id, CommendationKind.Praise, now.AddDays(-1));
        await AddAsync(other.Id, CommendationKind.Praise, now.AddDays(-40)); // before the period

        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync("/api/commendations",
            new CommendationRequest(null, CommendationKind.Praise, now, null, "", null)), "agentId");
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync("/api/commendations",
            new CommendationRequest(staff.Agent.Id, CommendationKind.Praise, now, null, "", null)), "summary");

        var from = Uri.EscapeDataString(now.AddDays(-30).ToString("O"));
        var to = Uri.EscapeDataString(now.ToString("O"));
        var summary = await supervisor.GetOkAsync<CommendationSummary>($"/api/commendations/summary?from={from}&to={to}&platformId={platform.Id}");
        Assert.Equal(4, summary.Total);
        Assert.Equal([(CommendationKind.Praise, 2), (CommendationKind.ThankYouLetter, 1), (CommendationKind.Banner, 1)],
            summary.PerKind.Select(k => (k.Kind, k.Count)));
        Assert.Equal([(staff.Agent.Id, 1, 1, 1, 3), (other.Id, 1, 0, 0, 1)],
            summary.PerAgent.Select(a => (a.AgentId, a.Praise, a.ThankYouLetters, a.Banners, a.Total)));

        using var lawyer = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.GetAsync("/api/commendations")).StatusCode);
    }
}
