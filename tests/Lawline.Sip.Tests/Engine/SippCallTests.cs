using Lawline.Sip.Calls;
using Lawline.Sip.Tests.Peers;

namespace Lawline.Sip.Tests.Engine;

/// <summary>The engine against sipp: calls with RTP and DTMF, CANCEL, BYE from either side, retransmissions, REGISTER load.</summary>
[Trait("Category", "Peers")]
public sealed class SippCallTests
{
    [Fact]
    public async Task A_caller_with_audio_and_rfc2833_digits_is_answered_recorded_and_its_digits_collected()
    {
        await using var host = await EngineHost.StartAsync();
        var digits = new TaskCompletionSource<DigitResult>();
        string? recording = null;
        host.OnOffered(async offered =>
        {
            await host.Calls.AnswerAsync(offered.Leg);
            recording = Path.Combine(host.Recordings, offered.Leg + ".wav");
            await host.Calls.StartRecordingAsync(offered.Leg, recording);
            digits.TrySetResult(await host.Calls.CollectDigitsAsync(offered.Leg, new CollectDigitsOptions
            {
                MaxDigits = 2,
                FirstDigitTimeout = TimeSpan.FromSeconds(20),
            }));
        });

        var result = await SippRunner.RunAsync(new SippRun(SippScenarios.UacPcapThenDtmf("12", speechMs: 3000)) { Remote = host.Address, Service = "12348" });

        Assert.True(result.ExitCode == 0, result.ToString());
        var collected = await digits.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("12", collected.Digits);
        var offered = await host.WaitForAsync<CallOffered>();
        Assert.Equal("12348", offered.DialedNumber);
        var ended = await host.WaitForAsync<CallEnded>();
        Assert.True(ended.ByRemote);
        Assert.Equal(HangupCause.Normal, ended.Cause);
        // Each key press is reported once, although RFC 4733 sends every event many times.
        Assert.Equal("12", string.Concat(host.Seen.OfType<DtmfReceived>().Select(d => d.Digit)));

        var stopped = await host.WaitForAsync<RecordingStopped>();
        var audio = await WavAnalysis.ReadAsync(stopped.Path);
        Assert.Equal(2, audio.Channels.Count);
        // The caller's speech (sipp's g711a.pcap) is on the left; nobody spoke on the right.
        Assert.True(WavAnalysis.AudibleDuration(audio, 0) > TimeSpan.FromSeconds(1), WavAnalysis.Describe(audio));
        Assert.True(WavAnalysis.AudibleDuration(audio, 1) < TimeSpan.FromMilliseconds(200), WavAnalysis.Describe(audio));
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_ringing_gets_200_for_the_cancel_and_487_for_the_invite()
    {
        await using var host = await EngineHost.StartAsync();
        host.OnOffered(offered => host.Calls.RingAsync(offered.Leg));

        var result = await SippRunner.RunAsync(new SippRun(SippScenarios.UacCancelBeforeAnswer(ringMs: 500)) { Remote = host.Address });

        Assert.True(result.ExitCode == 0, result.ToString());
        var ended = await host.WaitForAsync<CallEnded>();
        Assert.Equal(HangupCause.Cancelled, ended.Cause);
        Assert.Equal(487, ended.SipStatus);
        Assert.Equal(0, host.Engine.ActiveLegCount);
    }

    [Fact]
    public async Task The_engine_hangs_up_an_answered_call_with_bye()
    {
        await using var host = await EngineHost.StartAsync();
        host.OnOffered(async offered =>
        {
            await host.Calls.AnswerAsync(offered.Leg);
            await Task.Delay(1000);
            await host.Calls.HangupAsync(offered.Leg);
        });

        var result = await SippRunner.RunAsync(new SippRun(SippScenarios.UacExpectsByeFromFarEnd()) { Remote = host.Address });

        Assert.True(result.ExitCode == 0, result.ToString());
        var ended = await host.WaitForAsync<CallEnded>();
        Assert.False(ended.ByRemote);
    }

    [Fact]
    public async Task A_lost_ack_makes_the_engine_retransmit_its_200_until_the_ack_arrives()
    {
        await using var host = await EngineHost.StartAsync();
        host.OnOffered(offered => host.Calls.AnswerAsync(offered.Leg));

        var result = await SippRunner.RunAsync(new SippRun(SippScenarios.UacWithholdsAck(withholdAckMs: 1800)) { Remote = host.Address, TraceMessages = true });

        Assert.True(result.ExitCode == 0, result.ToString());
        // T1 = 500 ms, doubling: 200 OK at 0, 0.5 and 1.5 s before the ACK at 1.8 s.
        Assert.True(result.CountReceived("SIP/2.0 200", "INVITE") >= 3, result.ToString());
        var ended = await host.WaitForAsync<CallEnded>();
        Assert.True(ended.ByRemote);
    }

    [Fact]
    public async Task Fifty_phones_register_with_digest_at_100_per_second()
    {
        await using var host = await EngineHost.StartAsync();
        var users = Enumerable.Range(1, 50).Select(i => ($"80{i:00}", $"secret-{i}")).ToList();
        foreach (var (user, password) in users)
        {
            host.Accounts.Add(user, password);
        }

        var result = await SippRunner.RunAsync(new SippRun(SippScenarios.RegisterWithDigest())
        {
            Remote = host.Address,
            Calls = users.Count,
            Rate = 100,
            InjectionCsv = SippScenarios.RegisterUsersCsv(users),
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(50, result.SuccessfulCalls);
        Assert.Equal(50, host.Engine.Locations.All().Select(b => b.AddressOfRecord).Distinct().Count());
        Assert.Single(host.Engine.Locations.Lookup("8007"));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_nothing_is_registered()
    {
        await using var host = await EngineHost.StartAsync();
        host.Accounts.Add("8001", "right");

        var result = await SippRunner.RunAsync(new SippRun(SippScenarios.RegisterWithDigest())
        {
            Remote = host.Address,
            InjectionCsv = SippScenarios.RegisterUsersCsv([("8001", "wrong")]),
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(host.Engine.Locations.Lookup("8001"));
    }

    [Fact]
    public async Task The_engine_bridges_a_caller_to_a_second_leg_and_records_both_voices()
    {
        await using var host = await EngineHost.StartAsync();
        // The "agent" is a sipp UAS that echoes the audio it receives and waits for our BYE.
        await using var agent = SippRunner.Start(new SippRun(SippScenarios.UasAnswersThenReceivesBye(codec: "PCMA")) { EchoRtp = true });
        host.OnOffered(async offered =>
        {
            var agentLeg = await host.Calls.OriginateAsync(new OriginateRequest(new OriginateTarget.Uri($"sip:agent@{agent.Address}"))
            {
                CallerNumber = offered.CallerNumber,
                EarlyMediaFor = offered.Leg,
            });
            Assert.True(agentLeg.Answered, agentLeg.ToString());
            await host.Calls.AnswerAsync(offered.Leg);
            await host.Calls.BridgeAsync(offered.Leg, agentLeg.Leg!.Value);
            await host.Calls.StartRecordingAsync(offered.Leg, Path.Combine(host.Recordings, "bridged.wav"));
        });

        var caller = await SippRunner.RunAsync(new SippRun(SippScenarios.UacPcapThenDtmf("5", speechMs: 4000)) { Remote = host.Address });
        var agentRun = await agent.WaitAsync();

        Assert.True(caller.ExitCode == 0, caller.ToString());
        Assert.True(agentRun.ExitCode == 0, agentRun.ToString());
        Assert.Empty(host.HandlerErrors);
        var stopped = await host.WaitForAsync<RecordingStopped>();
        var audio = await WavAnalysis.ReadAsync(stopped.Path);
        // Left: the caller's speech. Right: the agent side, which echoed the caller's audio back through the bridge.
        Assert.True(WavAnalysis.AudibleDuration(audio, 0) > TimeSpan.FromSeconds(1), WavAnalysis.Describe(audio));
        Assert.True(WavAnalysis.AudibleDuration(audio, 1) > TimeSpan.FromSeconds(1), WavAnalysis.Describe(audio));
        Assert.Equal(2, host.Seen.OfType<CallEnded>().Count());
    }
}
