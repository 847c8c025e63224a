using Lawline.Server.Platforms;
using Lawline.Server.Routing.Ivr;
using Lawline.Sip;
using Lawline.Sip.Auth;
using Lawline.Sip.Calls;
using Lawline.Sip.Tests.Peers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lawline.Server.Tests.Routing.Ivr;

/// <summary>The IVR on the real SIP engine (127.0.0.1, port 0) with sipp as the caller pressing keys by RFC 2833.</summary>
[Trait("Category", "Peers")]
public sealed class IvrEngineTests
{
    private sealed class NoAccounts : IDigestCredentialStore
    {
        public ValueTask<DigestSecret?> FindAsync(string username, string realm, CancellationToken cancellationToken) => ValueTask.FromResult<DigestSecret?>(null);
    }

    [Fact]
    public async Task A_caller_pressing_1_on_a_real_phone_line_is_queued_for_labour_disputes()
    {
        using var kit = await IvrTestKit.CreateAsync();
        var rtpBase = 40000 + Environment.ProcessId % 50 * 200;
        await using var engine = new SipEngine(
            new SipEngineOptions { Address = "127.0.0.1", Port = 0, RtpPortMin = rtpBase, RtpPortMax = rtpBase + 199, Realm = "lawline.test", KeepAliveSeconds = 0 },
            new NoAccounts(), TimeProvider.System, LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)));
        await engine.StartAsync();
        // The real clock drives the engine; office hours are 7×24 so the test passes at any hour.
        var runner = new IvrRunner(kit.Prompts, TimeProvider.System, NullLogger<IvrRunner>.Instance);
        var ivr = Task.Run(async () =>
        {
            await foreach (var callEvent in engine.Events.ReadAllAsync())
            {
                if (callEvent is CallOffered offered)
                {
                    await engine.Calls.AnswerAsync(offered.Leg);
                    return await runner.RunAsync(engine.Calls, offered.Leg, DefaultIvrFlows.For(PlatformKind.LegalService12348),
                        new IvrCallContext(IvrTestKit.PlatformCode, OfficeHours.AlwaysOpen), CancellationToken.None);
                }
            }
            throw new InvalidOperationException("No call was offered.");
        });

        var caller = await SippRunner.RunAsync(new SippRun(SippScenarios.UacPcapThenDtmf("1", speechMs: 2500, afterDigitsMs: 4000))
        {
            Remote = $"127.0.0.1:{engine.LocalEndPoint.Port}",
            Service = "12348",
        });
        var result = await ivr.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(caller.ExitCode == 0, caller.ToString());
        Assert.Equal(new IvrOutcome.Queue("LABOR", 0), result.Outcome);
        Assert.Contains(result.Path, s => s is { NodeId: "main-menu", Kind: IvrStepKind.Chosen, Digits: "1" });
        Assert.Equal("1", result.Digits);
    }
}
