using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Lawline.Server.Data;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Lawline.Server.WorkOrders;

namespace Lawline.Server.Tests.WorkOrders;

/// <summary>Scoping, concurrency, caller history, search, export and bad input for work orders.</summary>
public sealed class WorkOrderAccessTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Theory, DatabaseData]
    public async Task A_district_sees_only_its_own_work_orders(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var (city, a, b) = await admin.CreateCityWithDistrictsAsync();
        var orderA = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(a.Id, WorkOrderTestData.Divorce));
        var orderB = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(b.Id, WorkOrderTestData.Divorce, phone: "13912340000"));
        using var supervisorA = await factory.CreateUserAndSignInAsync(admin, a.Id, LawlineRoles.Supervisor);
        using var citySupervisor = await factory.CreateUserAndSignInAsync(admin, city.Id, LawlineRoles.Supervisor);

        var seenByA = await supervisorA.GetOkAsync<WorkOrderPage>("/api/work-orders?pageSize=200");
        Assert.Contains(seenByA.Items, o => o.Id == orderA.Id);
        Assert.DoesNotContain(seenByA.Items, o => o.PlatformId == b.Id);
        foreach (var url in new[] { $"/api/work-orders/{orderB.Id}", $"/api/work-orders/{orderB.Id}/history" })
        {
            await ApiClient.ExpectStatusAsync(await supervisorA.GetAsync(url), HttpStatusCode.NotFound);
        }
        var transition = await supervisorA.PostAsync($"/api/work-orders/{orderB.Id}/transitions", new TransitionRequest(orderB.Version, WorkOrderAction.Start));
        await ApiClient.ExpectStatusAsync(transition, HttpStatusCode.NotFound);
        var history = await supervisorA.GetOkAsync<CallerHistory>("/api/work-orders/caller-history?phone=13912340000");
        Assert.Empty(history.WorkOrders);
        var created = await supervisorA.PostAsync("/api/work-orders", WorkOrderTestData.Consultation(b.Id, WorkOrderTestData.Divorce));
        await ApiClient.ReadFieldErrorAsync(created, "platformId");

        var seenByCity = await citySupervisor.GetOkAsync<WorkOrderPage>("/api/work-orders?pageSize=200");
        Assert.Contains(seenByCity.Items, o => o.Id == orderA.Id);
        Assert.Contains(seenByCity.Items, o => o.Id == orderB.Id);
    }

    [Theory, DatabaseData]
    public async Task Two_people_editing_the_same_order_never_overwrite_each_other(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        using var first = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Agent);
        using var second = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Supervisor);
        var order = await first.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce));

        var edit = new UpdateWorkOrderRequest(order.Version, order.Type, order.Channel, order.Urgency, null, order.CallerType,
            order.CategoryCode, order.Question, "第一位的答复", null, null, null, ["欠薪"]);
        var saved = await first.PutOkAsync<WorkOrderDto>($"/api/work-orders/{order.Id}", edit);
        Assert.Equal(order.Version + 1, saved.Version);

        // The second person still holds the old version: refused, with nothing of theirs saved.
        var stale = await second.PutAsync($"/api/work-orders/{order.Id}", edit with { Answer = "第二位的答复" });
        await ApiClient.ReadFieldErrorAsync(stale, "version", HttpStatusCode.Conflict);
        var current = await second.GetOkAsync<WorkOrderDto>($"/api/work-orders/{order.Id}");
        Assert.Equal("第一位的答复", current.Answer);

        var changes = await first.GetOkAsync<List<WorkOrderEventDto>>($"/api/work-orders/{order.Id}/history");
        var update = Assert.Single(changes, e => e.Kind == WorkOrderEventKind.Updated);
        Assert.Contains("第一位的答复", update.Changes, StringComparison.Ordinal);
        Assert.Equal(first.UserName, update.UserName);
    }

    [Fact]
    public async Task Caller_history_flags_a_repeat_caller()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        using var lawyer = await factory.CreateUserAndSignInAsync(admin, platform.Id, LawlineRoles.Agent);
        var phone = Unique.Mobile();
        for (var i = 0; i < 3; i++)
        {
            var history = await lawyer.GetOkAsync<CallerHistory>($"/api/work-orders/caller-history?phone={phone}");
            Assert.Equal(i, history.WorkOrders.Count);
            Assert.False(history.IsRepeatCaller);
            await lawyer.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce, phone: phone));
        }
        var repeat = await lawyer.GetOkAsync<CallerHistory>($"/api/work-orders/caller-history?phone={phone}");
        Assert.True(repeat.IsRepeatCaller);
        Assert.Equal(3, repeat.WorkOrders.Count);
        Assert.True(repeat.WorkOrders[0].Id > repeat.WorkOrders[1].Id, "newest first");
    }

    [Fact]
    public async Task Search_filters_by_category_subtree_status_and_phone()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var phone = Unique.Mobile();
        var wages = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.WageArrears, phone: phone));
        var divorce = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce, completeWith: WorkOrderOutcome.AnsweredOnLine));

        var labour = await admin.GetOkAsync<WorkOrderPage>($"/api/work-orders?platformId={platform.Id}&categoryCode=MS.06");
        Assert.Equal([wages.Id], labour.Items.Select(o => o.Id));
        var completed = await admin.GetOkAsync<WorkOrderPage>($"/api/work-orders?platformId={platform.Id}&status=Completed");
        Assert.Equal([divorce.Id], completed.Items.Select(o => o.Id));
        var byPhone = await admin.GetOkAsync<WorkOrderPage>($"/api/work-orders?phone={phone}");
        Assert.Equal([wages.Id], byPhone.Items.Select(o => o.Id));
        var byLastDigits = await admin.GetOkAsync<WorkOrderPage>($"/api/work-orders?platformId={platform.Id}&phone={phone[^4..]}");
        Assert.Contains(byLastDigits.Items, o => o.Id == wages.Id);
        Assert.Equal(PhoneMask(phone), byPhone.Items[0].CallerPhone);
    }

    [Fact]
    public async Task The_Excel_export_holds_the_filtered_orders_with_Chinese_headers()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var order = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.WageArrears));
        await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce));

        var response = await admin.GetAsync($"/api/work-orders/export?platformId={platform.Id}&categoryCode=MS.06");
        await ApiClient.ExpectStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var document = SpreadsheetDocument.Open(stream, false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        var rows = sheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(Text).ToList()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(WorkOrderExport.Headers, rows[0]);
        Assert.Equal(order.Number, rows[1][0]);
        Assert.Equal("法律咨询", rows[1][1]);
        Assert.Equal("已登记", rows[1][4]);
        Assert.Equal(WorkOrderTestData.WageArrears, rows[1][8]);
        Assert.Equal("追索劳动报酬纠纷", rows[1][9]);
        Assert.Equal("否", rows[1][14]);
    }

    [Fact]
    public async Task Bad_input_gets_field_errors_and_saves_nothing()
    {
        var factory = await installations.GetAsync(DatabaseProvider.Sqlite);
        using var admin = await factory.AdminAsync();
        var platform = await admin.CreatePlatformAsync();
        var good = WorkOrderTestData.Consultation(platform.Id, WorkOrderTestData.Divorce);
        (CreateWorkOrderRequest Request, string Field)[] cases =
        [
            (good with { CategoryCode = "NO.SUCH.CODE" }, "categoryCode"),
            (good with { CallerPhone = "12345" }, "callerPhone"),
            (good with { CallerPhone = null }, "callerPhone"),
            (good with { Question = "" }, "question"),
            (good with { PlatformId = 999_999 }, "platformId"),
            (good with { CompleteWith = WorkOrderOutcome.AnsweredOnLine, Answer = null }, "answer"),
        ];
        foreach (var (request, field) in cases)
        {
            await ApiClient.ReadFieldErrorAsync(await admin.PostAsync("/api/work-orders", request), field);
        }
        var page = await admin.GetOkAsync<WorkOrderPage>($"/api/work-orders?platformId={platform.Id}");
        Assert.Equal(0, page.Total);

        // An attachment over the limit is refused; a small one is kept and can be downloaded.
        var order = await admin.PostOkAsync<WorkOrderDto>("/api/work-orders", good);
        var big = new MultipartFormDataContent { { new ByteArrayContent(new byte[11 * 1024 * 1024]), "file", "合同.pdf" } };
        await ApiClient.ReadFieldErrorAsync(await admin.Http.PostAsync($"/api/work-orders/{order.Id}/attachments", big), "file");
        var small = new MultipartFormDataContent { { new ByteArrayContent("劳动合同"u8.ToArray()), "file", "劳动合同.txt" } };
        var attachment = await ApiClient.ReadAsync<AttachmentDto>(await admin.Http.PostAsync($"/api/work-orders/{order.Id}/attachments", small), HttpStatusCode.Created);
        Assert.Equal("劳动合同"u8.ToArray(), await admin.Http.GetByteArrayAsync($"/api/work-orders/{order.Id}/attachments/{attachment.Id}"));
        var reread = await admin.GetOkAsync<WorkOrderDto>($"/api/work-orders/{order.Id}");
        Assert.Equal(["劳动合同.txt"], reread.Attachments.Select(a => a.FileName));
    }

    private static string PhoneMask(string national) => national[..3] + "****" + national[^4..];

    private static string Text(Cell cell)
        => cell.InlineString?.InnerText ?? cell.CellValue?.InnerText ?? string.Empty;
}
