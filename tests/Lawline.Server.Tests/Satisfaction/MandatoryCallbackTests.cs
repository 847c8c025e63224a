using System.Net;
using Lawline.Server.Agents;
using Lawline.Server.Data;
using Lawline.Server.Platforms;
using Lawline.Server.Routing;
using Lawline.Server.Satisfaction;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.Tests.Routing;
using Lawline.Server.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Satisfaction;

/// <summary>
/// 回访 (mandatory callbacks after a low rating): the platform's rule (which ratings, the deadline in working days,
/// attempts before "unreachable"), one rating write path with history, assignment to a supervisor who is never the
/// rated lawyer, outcomes, reopening, and escalation of overdue tasks to a manager.
/// </summary>
public sealed class MandatoryCallbackTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    // A Friday morning in Beijing: one working day later is the close of Monday.
    private static readonly DateTimeOffset FridayMorning = new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    [Theory, DatabaseData]
    public async Task The_default_rule_opens_a_task_for_basically_satisfied_and_dissatisfied_due_the_next_working_day_after_a_weekend(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var staffed = await admin.StaffAsync(await admin.CreatePlatformAsync());
        var platform = staffed.Platform;
        using var manager = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.PlatformManager);
        var recorder = factory.Services.GetRequiredService<RatingRecorder>();

        var rule = await manager.GetOkAsync<CallbackRuleDto>($"/api/satisfaction/callback-rules/{platform.Id}");
        Assert.Equal([CallRating.BasicallySatisfied, CallRating.Dissatisfied], rule.Ratings.Order());
        Assert.Equal((1, 3, true), (rule.DeadlineWorkingDays, rule.MaxAttempts, rule.IsDefault));

        var satisfied = await recorder.RecordAsync(new RatingInput(platform.Id, await SeedCallAsync(factory, platform.Id, staffed.Agent.Id), null,
            CallRating.Satisfied, RatingChannel.Ivr, FridayMorning), CancellationToken.None);
        Assert.Null(satisfied.CallbackTaskId);
        var basically = await recorder.RecordAsync(new RatingInput(platform.Id, await SeedCallAsync(factory, platform.Id, staffed.Agent.Id), null,
            CallRating.BasicallySatisfied, RatingChannel.Ivr, FridayMorning), CancellationToken.None);
        Assert.NotNull(basically.CallbackTaskId);
        var task = await admin.GetOkAsync<CallbackTaskDto>($"/api/callbacks/{basically.CallbackTaskId}");
        Assert.Equal((CallbackKind.LowRating, CallbackStatus.Pending), (task.Kind, task.Status));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 23, 59, 59, TimeSpan.FromHours(8)), task.DueAt!.Value);

        // The manager narrows the rule: only 不满意, two working days, two attempts.
        var bad = await manager.PutAsync($"/api/satisfaction/callback-rules/{platform.Id}", new SaveCallbackRuleRequest([CallRating.Dissatisfied], 99, 0));
        var problem = await ApiClient.ReadFieldErrorAsync(bad, "deadlineWorkingDays");
        Assert.True(problem.Errors!.ContainsKey("maxAttempts"));
        var saved = await manager.PutOkAsync<CallbackRuleDto>($"/api/satisfaction/callback-rules/{platform.Id}", new SaveCallbackRuleRequest([CallRating.Dissatisfied], 2, 2));
        Assert.Equal([CallRating.Dissatisfied], saved.Ratings);
        Assert.Equal((2, 2, false), (saved.DeadlineWorkingDays, saved.MaxAttempts, saved.IsDefault));
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        await ApiClient.ExpectStatusAsync(await supervisor.PutAsync($"/api/satisfaction/callback-rules/{platform.Id}", saved), HttpStatusCode.Forbidden);

        var notAnyMore = await recorder.RecordAsync(new RatingInput(platform.Id, await SeedCallAsync(factory, platform.Id, staffed.Agent.Id), null,
            CallRating.BasicallySatisfied, RatingChannel.Ivr, FridayMorning), CancellationToken.None);
        Assert.Null(notAnyMore.CallbackTaskId);
        var dissatisfied = await recorder.RecordAsync(new RatingInput(platform.Id, await SeedCallAsync(factory, platform.Id, staffed.Agent.Id), null,
            CallRating.Dissatisfied, RatingChannel.Ivr, FridayMorning), CancellationToken.None);
        var later = await admin.GetOkAsync<CallbackTaskDto>($"/api/callbacks/{dissatisfied.CallbackTaskId}");
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 23, 59, 59, TimeSpan.FromHours(8)), later.DueAt!.Value);
    }

    [Theory, DatabaseData]
    public async Task A_task_goes_to_the_supervisor_with_the_fewest_open_tasks_and_never_to_the_rated_lawyer(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var staffed = await admin.StaffAsync(await admin.CreatePlatformAsync());
        var platform = staffed.Platform;
        var recorder = factory.Services.GetRequiredService<RatingRecorder>();

        // Alone on the platform, the supervisor who is also the rated lawyer gets nothing: the task is unassigned.
        var lawyerSupervisor = await CreateUserAsync(admin, platform.Id, LawlineRoles.Supervisor, staffed.Agent.Id);
        var first = await RateAsync(factory, recorder, platform.Id, staffed.Agent.Id);
        Assert.Null((await admin.GetOkAsync<CallbackTaskDto>($"/api/callbacks/{first}")).AssignedUserId);

        var b = await CreateUserAsync(admin, platform.Id, LawlineRoles.Supervisor, null);
        var c = await CreateUserAsync(admin, platform.Id, LawlineRoles.Supervisor, null);
        var second = await RateAsync(factory, recorder, platform.Id, staffed.Agent.Id);
        var third = await RateAsync(factory, recorder, platform.Id, staffed.Agent.Id);
        var assigned = await admin.GetOkAsync<CallbackTaskDto>($"/api/callbacks/{second}");
        Assert.Equal((b.Id, "督导" + b.UserName), (assigned.AssignedUserId, assigned.AssignedUserName));
        Assert.Equal(c.Id, (await admin.GetOkAsync<CallbackTaskDto>($"/api/callbacks/{third}")).AssignedUserId);
        Assert.NotEqual(lawyerSupervisor.Id, assigned.AssignedUserId);

        // "Assigned to me": the supervisor's own tasks and the unassigned ones, not a colleague's.
        using var asB = await factory.SignInAsync(b.UserName, TestData.UserPassword);
        var mine = await asB.GetOkAsync<CallbackPage>("/api/callbacks?mine=true");
        Assert.Equal([second, first], mine.Items.Select(t => t.Id));
    }

    [Theory, DatabaseData]
    public async Task A_later_rating_of_the_same_call_supersedes_the_earlier_one_and_opens_no_second_task(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var staffed = await admin.StaffAsync(await admin.CreatePlatformAsync());
        var recorder = factory.Services.GetRequiredService<RatingRecorder>();
        var callId = await SeedCallAsync(factory, staffed.Platform.Id, staffed.Agent.Id);

        var first = await recorder.RecordAsync(new RatingInput(staffed.Platform.Id, callId, null, CallRating.Dissatisfied, RatingChannel.Ivr, FridayMorning), CancellationToken.None);
        var second = await recorder.RecordAsync(new RatingInput(staffed.Platform.Id, callId, null, CallRating.BasicallySatisfied, RatingChannel.SmsLink,
            FridayMorning.AddHours(1), "解答不清楚", "还是不太明白"), CancellationToken.None);
        Assert.NotNull(first.CallbackTaskId);
        Assert.Null(second.CallbackTaskId);

        var (ratings, call, tasks) = await factory.WithDatabaseAsync(async db => (
            await db.SatisfactionRatings.AsNoTracking().Where(r => r.CallRecordId == callId).OrderBy(r => r.At).ToListAsync(),
            await db.CallRecords.AsNoTracking().SingleAsync(r => r.Id == callId),
            await db.CallbackTasks.AsNoTracking().Where(t => t.CallRecordId == callId).ToListAsync()));
        Assert.Equal([CallRating.Dissatisfied, CallRating.BasicallySatisfied], ratings.Select(r => r.Rating));
        Assert.Equal(FridayMorning.AddHours(1), ratings[0].SupersededAt);
        Assert.Null(ratings[1].SupersededAt);
        Assert.All(ratings, r => Assert.Equal(staffed.Agent.Id, r.AgentId));
        Assert.Equal((RatingChannel.SmsLink, "还是不太明白"), (ratings[1].Channel, ratings[1].Comment));
        Assert.Equal(CallRating.BasicallySatisfied, call.Rating);
        Assert.Single(tasks);

        var detail = await admin.GetOkAsync<CallbackDetailDto>($"/api/callbacks/{first.CallbackTaskId}/detail");
        Assert.Equal((staffed.Agent.Id, staffed.Agent.Name, "还是不太明白", "解答不清楚"), (detail.LawyerAgentId, detail.LawyerName, detail.RatingComment, detail.RatingTags));
    }

    [Theory, DatabaseData]
    public async Task Unreachable_needs_the_rules_failed_attempts_and_a_complaint_registers_a_complaint_work_order(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var staffed = await admin.StaffAsync(await admin.CreatePlatformAsync());
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, staffed.Platform.Id, LawlineRoles.Supervisor);
        var recorder = factory.Services.GetRequiredService<RatingRecorder>();
        var taskId = await RateAsync(factory, recorder, staffed.Platform.Id, staffed.Agent.Id, "+86" + staffed.CallerPhone);

        var early = await supervisor.PostAsync($"/api/callbacks/{taskId}/outcome", new CallbackOutcomeRequest(CallbackOutcome.Unreachable, null, "打不通"));
        var problem = await ApiClient.ReadFieldErrorAsync(early, "outcome");
        Assert.Contains("3 failed call attempts", problem.Errors!["outcome"][0]);
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync($"/api/callbacks/{taskId}/outcome", new CallbackOutcomeRequest(CallbackOutcome.Explained, null, null)), "callerSatisfied");

        // Two no-answers and a busy line (a call the supervisor's own phone missed does not count).
        await factory.WithDatabaseAsync(db =>
        {
            foreach (var result in new[] { CallbackAttemptResult.NoAnswer, CallbackAttemptResult.NotPlaced, CallbackAttemptResult.Busy, CallbackAttemptResult.NoAnswer })
            {
                db.CallbackAttempts.Add(new CallbackAttempt { PlatformId = staffed.Platform.Id, TaskId = taskId, At = FridayMorning, Result = result, EndedAt = FridayMorning });
            }

            return Task.FromResult(0);
        });
        var detail = await supervisor.GetOkAsync<CallbackDetailDto>($"/api/callbacks/{taskId}/detail");
        Assert.Equal((4, 3, 3), (detail.Attempts.Count, detail.FailedAttempts, detail.MaxAttempts));
        var unreachable = await supervisor.PostOkAsync<CallbackTaskDto>($"/api/callbacks/{taskId}/outcome",
            new CallbackOutcomeRequest(CallbackOutcome.Unreachable, null, "三次未接通"), HttpStatusCode.OK);
        Assert.Equal((CallbackStatus.Done, CallbackOutcome.Unreachable), (unreachable.Status, unreachable.Outcome));

        // Another citizen complains about the lawyer during the callback: a complaint work order, linked to the task.
        var complaintTask = await RateAsync(factory, recorder, staffed.Platform.Id, staffed.Agent.Id, "+86" + staffed.CallerPhone);
        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync($"/api/callbacks/{complaintTask}/outcome",
            new CallbackOutcomeRequest(CallbackOutcome.ComplaintRegistered, false, null)), "note");
        var complained = await supervisor.PostOkAsync<CallbackTaskDto>($"/api/callbacks/{complaintTask}/outcome",
            new CallbackOutcomeRequest(CallbackOutcome.ComplaintRegistered, false, "律师态度敷衍，要求投诉"), HttpStatusCode.OK);
        Assert.Equal((CallbackStatus.Done, CallbackOutcome.ComplaintRegistered), (complained.Status, complained.Outcome));
        var order = await admin.GetOkAsync<WorkOrderDto>($"/api/work-orders/{complained.ComplaintWorkOrderId}");
        Assert.Equal(WorkOrderType.Complaint, order.Type);
        Assert.Contains("律师态度敷衍", order.Question);
        // Its investigation is open against the rated lawyer, from the callback, with a reply deadline.
        var complaint = await supervisor.GetOkAsync<Lawline.Server.Complaints.ComplaintDto>($"/api/complaints/{order.Id}");
        Assert.Equal((Lawline.Server.Complaints.ComplaintSource.Callback, staffed.Agent.Id, true), (complaint.Source, complaint.SubjectAgentId, complaint.IsOpen));
        Assert.True(complaint.ReplyDueAt > complaint.RegisteredAt);
    }

    [Theory, DatabaseData]
    public async Task A_caller_still_unhappy_keeps_the_task_open_and_a_done_task_can_be_reopened_with_a_reason(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var staffed = await admin.StaffAsync(await admin.CreatePlatformAsync());
        using var supervisor = await factory.CreateUserAndSignInAsync(admin, staffed.Platform.Id, LawlineRoles.Supervisor);
        var taskId = await RateAsync(factory, factory.Services.GetRequiredService<RatingRecorder>(), staffed.Platform.Id, staffed.Agent.Id);

        var unhappy = await supervisor.PostOkAsync<CallbackTaskDto>($"/api/callbacks/{taskId}/outcome",
            new CallbackOutcomeRequest(CallbackOutcome.Explained, false, "解释后仍不满意"), HttpStatusCode.OK);
        Assert.Equal((CallbackStatus.Pending, CallbackOutcome.Explained, false, true), (unhappy.Status, unhappy.Outcome, unhappy.CallerSatisfied, unhappy.IsOpen));
        await ApiClient.ExpectStatusAsync(await supervisor.PostAsync($"/api/callbacks/{taskId}/reopen", new ReopenCallbackRequest("再看看")), HttpStatusCode.Conflict);

        var done = await supervisor.PostOkAsync<CallbackTaskDto>($"/api/callbacks/{taskId}/outcome",
            new CallbackOutcomeRequest(CallbackOutcome.ReAnswered, true, "重新解答，满意"), HttpStatusCode.OK);
        Assert.Equal((CallbackStatus.Done, true), (done.Status, done.CallerSatisfied));
        await ApiClient.ExpectStatusAsync(await supervisor.PostAsync($"/api/callbacks/{taskId}/outcome",
            new CallbackOutcomeRequest(CallbackOutcome.Explained, true, null)), HttpStatusCode.Conflict);

        await ApiClient.ReadFieldErrorAsync(await supervisor.PostAsync($"/api/callbacks/{taskId}/reopen", new ReopenCallbackRequest(" ")), "reason");
        var reopened = await supervisor.PostOkAsync<CallbackTaskDto>($"/api/callbacks/{taskId}/reopen", new ReopenCallbackRequest("市民再次来电反映未解决"), HttpStatusCode.OK);
        Assert.Equal((CallbackStatus.Pending, 1, "市民再次来电反映未解决", (CallbackOutcome?)null), (reopened.Status, reopened.ReopenCount, reopened.CloseReason, reopened.Outcome));
    }

    [Theory, DatabaseData]
    public async Task An_open_task_past_its_deadline_is_escalated_to_a_platform_manager_by_the_sweep(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var staffed = await admin.StaffAsync(await admin.CreatePlatformAsync());
        var managerUser = await CreateUserAsync(admin, staffed.Platform.Id, LawlineRoles.PlatformManager, null);
        using var manager = await factory.SignInAsync(managerUser.UserName, TestData.UserPassword);
        var now = factory.Clock.GetUtcNow();
        var recorder = factory.Services.GetRequiredService<RatingRecorder>();
        var taskId = (await recorder.RecordAsync(new RatingInput(staffed.Platform.Id, await SeedCallAsync(factory, staffed.Platform.Id, staffed.Agent.Id), null,
            CallRating.Dissatisfied, RatingChannel.Ivr, now), CancellationToken.None)).CallbackTaskId!.Value;
        var task = await manager.GetOkAsync<CallbackTaskDto>($"/api/callbacks/{taskId}");
        var sweep = factory.Services.GetRequiredService<CallbackEscalation>();

        await sweep.SweepAsync(CancellationToken.None);
        Assert.Null((await manager.GetOkAsync<CallbackTaskDto>($"/api/callbacks/{taskId}")).EscalatedAt);
        Assert.DoesNotContain(taskId, (await manager.GetOkAsync<CallbackPage>("/api/callbacks?escalatedToMe=true")).Items.Select(t => t.Id));

        factory.Clock.Advance(task.DueAt!.Value - now + TimeSpan.FromMinutes(1));
        await sweep.SweepAsync(CancellationToken.None);
        // Days later: a fresh sign-in (the earlier token has expired).
        using var managerNow = await factory.SignInAsync(managerUser.UserName, TestData.UserPassword);
        var escalated = await managerNow.GetOkAsync<CallbackTaskDto>($"/api/callbacks/{taskId}");
        Assert.True(escalated.IsOverdue);
        Assert.NotNull(escalated.EscalatedAt);
        Assert.Equal((managerUser.Id, "督导" + managerUser.UserName), (escalated.EscalatedToUserId, escalated.EscalatedToName));
        Assert.Contains(taskId, (await managerNow.GetOkAsync<CallbackPage>("/api/callbacks?escalatedToMe=true")).Items.Select(t => t.Id));
    }

    private static async Task<int> RateAsync(LawlineFactory factory, RatingRecorder recorder, int platformId, int agentId, string? number = null)
    {
        var callId = await SeedCallAsync(factory, platformId, agentId, number);
        var recorded = await recorder.RecordAsync(new RatingInput(platformId, callId, null, CallRating.Dissatisfied, RatingChannel.Ivr, factory.Clock.GetUtcNow()), CancellationToken.None);
        return recorded.CallbackTaskId!.Value;
    }

    private static Task<UserDto> CreateUserAsync(ApiClient admin, int platformId, string role, int? agentId)
    {
        var name = Unique.UserName(role.ToLowerInvariant());
        return admin.PostOkAsync<UserDto>("/api/users", new CreateUserRequest(name, "督导" + name, TestData.UserPassword, platformId, [role], agentId));
    }

    /// <summary>An answered call the lawyer took, as the call flow records it.</summary>
    private static Task<long> SeedCallAsync(LawlineFactory factory, int platformId, int agentId, string? number = null) => factory.WithDatabaseAsync(async db =>
    {
        var now = factory.Clock.GetUtcNow();
        var record = new CallRecord
        {
            PlatformId = platformId,
            CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
            SipCallId = Guid.NewGuid().ToString("N"),
            CallerNumber = number ?? "+86" + Unique.Mobile(),
            DialedNumber = "12348",
            ArrivedAt = now.AddMinutes(-10),
            AnsweredAt = now.AddMinutes(-9),
            AgentId = agentId,
            SkillCode = "LABOR",
            EndedAt = now.AddMinutes(-2),
        };
        db.CallRecords.Add(record);
        await db.SaveChangesAsync();
        return record.Id;
    });
}
