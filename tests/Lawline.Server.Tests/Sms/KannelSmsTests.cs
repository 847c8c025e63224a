using System.Security.Cryptography;
using Lawline.Server.Data;
using Lawline.Server.Sms;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Sms;

/// <summary>
/// The outbox through a real gateway: Debian's Kannel (bearerbox + smsbox) on loopback, bound over SMPP 3.4 to a fake
/// SMSC, and the server on a real Kestrel port so Kannel can fetch the delivery-report URL.
/// </summary>
public sealed class KannelSmsTests
{
    private static readonly Dictionary<string, string> Guidance = new()
    {
        ["热线名称"] = "12348武汉", ["机构名称"] = "武汉市法律援助中心", ["地址"] = "武汉市江岸区沿江大道100号",
        ["电话"] = "027-82712348", ["办公时间"] = "工作日上午9:00至下午5:00",
    };

    private sealed class Stack : IAsyncDisposable
    {
        public required FakeSmsc Smsc { get; init; }
        public required KannelGateway Kannel { get; init; }
        public required LawlineFactory Factory { get; init; }
        public required ApiClient Admin { get; init; }
        public required int PlatformId { get; init; }

        public static async Task<Stack> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite)
        {
            var smsc = new FakeSmsc();
            KannelGateway? kannel = null;
            LawlineFactory? factory = null;
            try
            {
                var port = KannelGateway.FreePort();
                var token = RandomNumberGenerator.GetHexString(32);
                kannel = await KannelGateway.StartAsync(smsc, $"http://127.0.0.1:{port}/api/sms/mo?token={token}&from=%p&to=%P&text=%b&coding=%c");
                factory = await LawlineFactory.StartAsync(provider, new Dictionary<string, string?>
                {
                    [LawlineFactory.KestrelPortSetting] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Sms:Enabled"] = "true",
                    ["Sms:GatewayUrl"] = kannel.GatewayUrl,
                    ["Sms:Username"] = kannel.Username,
                    ["Sms:Password"] = kannel.Password,
                    ["Sms:SenderNumber"] = "12348",
                    ["Sms:CallbackBaseUrl"] = $"http://127.0.0.1:{port}",
                    ["Sms:DeliveryReportToken"] = token,
                    ["Sms:MinIntervalSeconds"] = "0",
                    ["Sms:RetryBaseDelay"] = "00:00:30",
                    ["Sms:SendTimeout"] = "00:00:05",
                });
                var admin = await factory.AdminAsync();
                var platform = await admin.CreatePlatformAsync();
                return new Stack { Smsc = smsc, Kannel = kannel, Factory = factory, Admin = admin, PlatformId = platform.Id };
            }
            catch
            {
                if (factory is not null)
                {
                    await factory.DisposeAsync();
                }
                if (kannel is not null)
                {
                    await kannel.DisposeAsync();
                }
                await smsc.DisposeAsync();
                throw;
            }
        }

        public Task<SmsMessageDto> SendAsync(string phone, string template, Dictionary<string, string> values)
            => Admin.PostOkAsync<SmsMessageDto>("/api/sms", new SendSmsRequest(phone, template, values, null, null, PlatformId, null, null));

        public async Task<SmsMessageDto> WaitForStatusAsync(long id, SmsStatus status)
        {
            SmsMessageDto? last = null;
            return await Wait.ForAsync(async () =>
            {
                last = await Admin.GetOkAsync<SmsMessageDto>($"/api/sms/{id}");
                return last.Status == status ? last : null;
            }, () => $"SMS {id} is {last?.Status} (attempts {last?.Attempts}, error {last?.LastError}), not {status}.\n{Kannel.Logs()}");
        }

        public async Task<(string Text, int Parts, IReadOnlyList<SmppSubmit> Submits)> WaitForSmscAsync(string phone)
            => (await Wait.ForAsync(() => Task.FromResult<Tuple<string, int, IReadOnlyList<SmppSubmit>>?>(
                Smsc.MessagesTo("86" + phone) is [var m, ..] ? Tuple.Create(m.Text, m.Parts, m.Submits) : null),
                () => $"Nothing for {phone} at the SMSC; it has: {string.Join(", ", Smsc.Submits.Select(s => s.Destination))}\n{Kannel.Logs()}"))
                .ToValueTuple();

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            await Factory.DisposeAsync();
            await Kannel.DisposeAsync();
            await Smsc.DisposeAsync();
        }
    }

    [Fact]
    public async Task Long_Chinese_guidance_reaches_the_SMSC_whole_in_UCS2_parts_and_the_receipt_marks_it_delivered()
    {
        await using var stack = await Stack.StartAsync();
        stack.Smsc.ReceiptsImmediately = false;
        var phone = Unique.Mobile();

        var queued = await stack.SendAsync(phone, "legal-aid-guidance", Guidance);
        Assert.Equal(SmsStatus.Queued, queued.Status);
        Assert.True(queued.Text.Length > 70, "the guidance must need more than one SMS");
        Assert.Equal(SmsText.Measure(queued.Text).Segments, queued.Segments);

        var (text, parts, submits) = await stack.WaitForSmscAsync(phone);
        Assert.Equal(queued.Text, text);
        Assert.Equal(queued.Segments, parts);
        Assert.All(submits, s =>
        {
            Assert.Equal(0x08, s.DataCoding); // UCS-2
            Assert.Equal(0x40, s.EsmClass & 0x40); // UDH present
            Assert.Equal(parts, s.PartCount);
            Assert.True(s.TextBytes.Length <= 134, "a UCS-2 part holds at most 67 characters beside its UDH");
            Assert.Equal(1, s.DestinationTon); // international
            Assert.Equal("12348", s.Source);
        });
        Assert.Equal(Enumerable.Range(1, parts), submits.Select(s => s.PartNumber!.Value).Order());

        // Accepted by Kannel, but no receipt yet.
        var sent = await stack.WaitForStatusAsync(queued.Id, SmsStatus.Sent);
        Assert.Equal(1, sent.Attempts);
        Assert.NotNull(sent.SentAt);
        Assert.Null(sent.DeliveredAt);

        await stack.Smsc.ReleaseReceiptsAsync();
        var delivered = await stack.WaitForStatusAsync(queued.Id, SmsStatus.Delivered);
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Single(stack.Smsc.MessagesTo("86" + phone));
    }

    [Fact]
    public async Task An_opted_out_number_never_reaches_the_SMSC_and_the_delivery_report_needs_the_token()
    {
        await using var stack = await Stack.StartAsync();
        var optedOut = Unique.Mobile();
        await stack.Admin.PostOkAsync<SmsOptOutDto>("/api/sms/opt-outs", new SmsOptOutRequest(optedOut, "退订"));

        var blocked = await stack.SendAsync(optedOut, "survey-link", new() { ["热线名称"] = "12348", ["链接"] = "https://12348.example.cn/s/9" });
        Assert.Equal(SmsStatus.Blocked, blocked.Status);

        // A message sent after it goes out, so the sender has been through the outbox since.
        var other = Unique.Mobile();
        var sent = await stack.SendAsync(other, "survey-link", new() { ["热线名称"] = "12348", ["链接"] = "https://12348.example.cn/s/10" });
        var (text, parts, _) = await stack.WaitForSmscAsync(other);
        Assert.Equal("【12348】感谢您的来电！请对本次服务进行评价：https://12348.example.cn/s/10", text);
        Assert.Equal(1, parts);
        await stack.WaitForStatusAsync(sent.Id, SmsStatus.Delivered);

        Assert.DoesNotContain(stack.Smsc.Submits, s => s.Destination.EndsWith(optedOut, StringComparison.Ordinal));
        Assert.Equal(SmsStatus.Blocked, (await stack.Admin.GetOkAsync<SmsMessageDto>($"/api/sms/{blocked.Id}")).Status);

        // Without the shared secret, nobody can mark a message delivered.
        var forged = await stack.Factory.Anonymous().GetAsync($"/api/sms/dlr?id={blocked.Id}&token=guess&status=1");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, forged.StatusCode);
    }

    [Fact]
    public async Task While_the_gateway_is_down_the_message_waits_with_back_off_and_goes_out_once_it_is_back()
    {
        await using var stack = await Stack.StartAsync();
        await stack.Kannel.StopAsync();
        var phone = Unique.Mobile();

        var queued = await stack.SendAsync(phone, "callback-notice", new() { ["热线名称"] = "12348", ["时间"] = "今天下午5点" });
        SmsMessageDto? waiting = null;
        await Wait.ForAsync(async () =>
        {
            waiting = await stack.Admin.GetOkAsync<SmsMessageDto>($"/api/sms/{queued.Id}");
            return waiting is { Attempts: 1, Status: SmsStatus.Queued } ? waiting : null;
        }, () => $"status {waiting?.Status}, attempts {waiting?.Attempts}");
        Assert.Contains("Kannel unreachable", waiting!.LastError);
        // The first back-off (the database keeps instants to the microsecond or so).
        Assert.InRange((waiting.NextAttemptAt - queued.CreatedAt).TotalSeconds, 29.99, 30.01);

        // Nothing more happens before the back-off is over.
        await Task.Delay(500);
        Assert.Equal(1, (await stack.Admin.GetOkAsync<SmsMessageDto>($"/api/sms/{queued.Id}")).Attempts);

        await stack.Kannel.StartProcessesAsync();
        stack.Factory.Clock.Advance(TimeSpan.FromSeconds(31));
        var delivered = await stack.WaitForStatusAsync(queued.Id, SmsStatus.Delivered);
        Assert.Equal(2, delivered.Attempts);
        var (text, _, _) = await stack.WaitForSmscAsync(phone);
        Assert.Equal("【12348】您好！我们已收到您的回拨请求，工作人员将于今天下午5点前给您回电，请保持电话畅通。", text);
    }

    [Theory]
    [DatabaseData]
    public async Task Senders_racing_over_the_outbox_send_each_message_once(DatabaseProvider provider)
    {
        await using var stack = await Stack.StartAsync(provider);
        var phones = Enumerable.Range(0, 8).Select(_ => Unique.Mobile()).ToList();
        var sender = stack.Factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SmsSender>().Single();

        // Eight messages due in 10 s, written in one transaction as a feature would write them.
        var ids = new List<long>();
        await using (var scope = stack.Factory.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Lawline.Server.Security.CurrentUser>().ActAsSystem("test");
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var dueAt = stack.Factory.Clock.GetUtcNow().AddSeconds(10);
            var messages = phones.Select(p => new SmsMessage
            {
                PlatformId = stack.PlatformId, To = "+86" + p, Text = "测试短信 " + p[^4..], Purpose = SmsPurpose.Other,
                Status = SmsStatus.Queued, Segments = 1, CreatedAt = stack.Factory.Clock.GetUtcNow(), NextAttemptAt = dueAt,
            }).ToList();
            db.SmsMessages.AddRange(messages);
            await db.SaveChangesAsync();
            ids.AddRange(messages.Select(m => m.Id));
        }

        // The hosted sender wakes when the clock passes its poll; three more rounds race it.
        stack.Factory.Clock.Advance(TimeSpan.FromSeconds(11));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => sender.SendDueAsync(CancellationToken.None))));
        foreach (var id in ids)
        {
            var delivered = await stack.WaitForStatusAsync(id, SmsStatus.Delivered);
            Assert.Equal(1, delivered.Attempts);
        }
        foreach (var phone in phones)
        {
            Assert.Single(stack.Smsc.Submits, s => s.Destination == "86" + phone);
        }
    }

    [Fact]
    public async Task A_referral_to_legal_aid_texts_the_caller_the_centres_address_in_Chinese_and_the_receipt_marks_it_delivered()
    {
        await using var stack = await Stack.StartAsync();
        var address = "武汉市江岸区沿江大道" + Random.Shared.Next(100, 999) + "号";
        var agency = await stack.Admin.PostOkAsync<Lawline.Server.Knowledge.KnowledgeArticleDto>("/api/knowledge/articles",
            new Lawline.Server.Knowledge.SaveKnowledgeArticleRequest
            {
                Kind = Lawline.Server.Knowledge.KnowledgeKind.Agency, Title = "江岸区法律援助中心", Body = "免费为经济困难的群众提供法律援助。",
                Address = address, Phone = "027-82712348", Hours = "工作日9:00-17:00", PlatformId = stack.PlatformId,
            });
        var inReview = await stack.Admin.PostOkAsync<Lawline.Server.Knowledge.KnowledgeArticleDto>($"/api/knowledge/articles/{agency.Id}/transitions",
            new Lawline.Server.Knowledge.KnowledgeTransitionRequest(Lawline.Server.Knowledge.KnowledgeAction.Submit, agency.Version), System.Net.HttpStatusCode.OK);
        await stack.Admin.PostOkAsync<Lawline.Server.Knowledge.KnowledgeArticleDto>($"/api/knowledge/articles/{agency.Id}/transitions",
            new Lawline.Server.Knowledge.KnowledgeTransitionRequest(Lawline.Server.Knowledge.KnowledgeAction.Publish, inReview.Version), System.Net.HttpStatusCode.OK);
        stack.Smsc.ReceiptsImmediately = false;
        var phone = Unique.Mobile();

        var order = await stack.Admin.PostOkAsync<Lawline.Server.WorkOrders.WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(stack.PlatformId, WorkOrderTestData.WageArrears, phone));
        var referred = await stack.Admin.PostOkAsync<Lawline.Server.WorkOrders.WorkOrderDto>($"/api/work-orders/{order.Id}/transitions",
            new Lawline.Server.WorkOrders.TransitionRequest(order.Version, Lawline.Server.WorkOrders.WorkOrderAction.Complete,
                Outcome: Lawline.Server.WorkOrders.WorkOrderOutcome.Referred, ReferralAgency: Lawline.Server.WorkOrders.ReferralAgency.LegalAid),
            System.Net.HttpStatusCode.OK);
        Assert.True(referred.GuidanceSmsSent);
        var queued = Assert.Single(await stack.Admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?workOrderId={order.Id}"));
        Assert.Equal(SmsPurpose.Guidance, queued.Purpose);

        await stack.WaitForStatusAsync(queued.Id, SmsStatus.Sent);
        var (text, _, _) = await stack.WaitForSmscAsync(phone);
        Assert.Contains("江岸区法律援助中心", text);
        Assert.Contains("地址：" + address, text);
        Assert.Contains("电话：027-82712348", text);
        Assert.StartsWith("【", text);
        await stack.Smsc.ReleaseReceiptsAsync();
        await stack.WaitForStatusAsync(queued.Id, SmsStatus.Delivered);

        // A landline gets no SMS, and the order says so.
        var landline = await stack.Admin.PostOkAsync<Lawline.Server.WorkOrders.WorkOrderDto>("/api/work-orders",
            WorkOrderTestData.Consultation(stack.PlatformId, WorkOrderTestData.WageArrears, "027-8271" + Random.Shared.Next(1000, 9999)));
        var noSms = await stack.Admin.PostOkAsync<Lawline.Server.WorkOrders.WorkOrderDto>($"/api/work-orders/{landline.Id}/transitions",
            new Lawline.Server.WorkOrders.TransitionRequest(landline.Version, Lawline.Server.WorkOrders.WorkOrderAction.Complete,
                Outcome: Lawline.Server.WorkOrders.WorkOrderOutcome.Referred, ReferralAgency: Lawline.Server.WorkOrders.ReferralAgency.LegalAid),
            System.Net.HttpStatusCode.OK);
        Assert.False(noSms.GuidanceSmsSent);
        Assert.Empty(await stack.Admin.GetOkAsync<List<SmsMessageDto>>($"/api/sms?workOrderId={landline.Id}"));
    }

    [Fact]
    public async Task A_citizen_texting_退订_is_opted_out_gets_one_confirmation_and_no_later_survey_SMS()
    {
        await using var stack = await Stack.StartAsync();
        var phone = Unique.Mobile();
        // Something to reply to: the number got a guidance message from the platform.
        var first = await stack.SendAsync(phone, "survey-link", new() { ["热线名称"] = "12348", ["链接"] = "https://12348.example.cn/s/1" });
        await stack.WaitForStatusAsync(first.Id, SmsStatus.Delivered);

        await stack.Smsc.SendMoAsync("86" + phone, "12348", "  退订 ");
        var optOuts = await Wait.ForAsync(async () =>
            await stack.Admin.GetOkAsync<List<SmsOptOutDto>>($"/api/sms/opt-outs?phone={phone}") is [_, ..] found ? found : null,
            () => $"{phone} was not opted out.\n{stack.Kannel.Logs()}");
        Assert.Contains("退订", Assert.Single(optOuts).Reason);
        var confirmation = await Wait.ForAsync(() => Task.FromResult(
            stack.Smsc.MessagesTo("86" + phone).FirstOrDefault(m => m.Text.Contains("已成功退订", StringComparison.Ordinal)) is { Text: not null } m ? m.Text : null),
            () => "no confirmation at the SMSC");
        Assert.StartsWith("【", confirmation);

        // A later survey link is recorded as blocked and never reaches the SMSC.
        var later = await stack.SendAsync(phone, "survey-link", new() { ["热线名称"] = "12348", ["链接"] = "https://12348.example.cn/s/2" });
        Assert.Equal(SmsStatus.Blocked, later.Status);
        var other = Unique.Mobile();
        var control = await stack.SendAsync(other, "survey-link", new() { ["热线名称"] = "12348", ["链接"] = "https://12348.example.cn/s/3" });
        await stack.WaitForStatusAsync(control.Id, SmsStatus.Delivered);
        Assert.DoesNotContain(stack.Smsc.MessagesTo("86" + phone), m => m.Text.Contains("/s/2", StringComparison.Ordinal));
        Assert.Equal(2, stack.Smsc.MessagesTo("86" + phone).Count);

        // Another text is only a reply: no opt-out for that number.
        await stack.Smsc.SendMoAsync("86" + other, "12348", "谢谢，已经收到");
        await Task.Delay(1000);
        Assert.Empty(await stack.Admin.GetOkAsync<List<SmsOptOutDto>>($"/api/sms/opt-outs?phone={other}"));
    }
}
