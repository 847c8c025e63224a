using Lawline.Sip.Calls;
using Lawline.Sip.Tests.Peers;

namespace Lawline.Sip.Tests.Engine;

/// <summary>
/// Agents' softphones (baresip, linphonec) registered to the engine with digest: called, answered, held,
/// transferred, with audio checked on both sides and in the recording.
/// </summary>
[Trait("Category", "Peers")]
public sealed class SoftphoneTests : IDisposable
{
    private const double CallerTone = 1000;
    private const double AgentTone = 400;
    private readonly SoundFiles sounds = new();

    public void Dispose() => sounds.Dispose();

    /// <summary>The hotline's dial plan in miniature: ring the agent, answer the caller, bridge, record.</summary>
    private static void RouteTo(EngineHost host, string agentUser, List<CallLegId>? agentLegs = null) => host.OnOffered(async offered =>
    {
        var agentLeg = await host.Calls.OriginateAsync(new OriginateRequest(new OriginateTarget.Registered(agentUser))
        {
            CallerNumber = offered.CallerNumber,
            EarlyMediaFor = offered.Leg,
            RingTimeout = TimeSpan.FromSeconds(15),
        });
        if (!agentLeg.Answered)
        {
            await host.Calls.HangupAsync(offered.Leg, agentLeg.Cause);
            return;
        }

        lock (agentLegs ?? [])
        {
            agentLegs?.Add(agentLeg.Leg!.Value);
        }

        await host.Calls.AnswerAsync(offered.Leg);
        await host.Calls.BridgeAsync(offered.Leg, agentLeg.Leg!.Value);
        await host.Calls.StartRecordingAsync(offered.Leg, Path.Combine(host.Recordings, offered.Leg + ".wav"));
    });

    private async Task<BaresipPhone> AgentAsync(EngineHost host, string user, double tone)
    {
        host.Accounts.Add(user, "pw-" + user);
        var phone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = user,
            Password = "pw-" + user,
            Registrar = host.Address,
            AudioFile = await sounds.ToneAsync(tone),
        });
        await phone.WaitForRegistrationAsync();
        return phone;
    }

    private async Task<BaresipPhone> CallerAsync() => await BaresipPhone.StartAsync(new BaresipOptions
    {
        User = "citizen",
        AudioFile = await sounds.ToneAsync(CallerTone),
    });

    [Fact]
    public async Task A_registered_softphone_is_called_and_both_voices_pass_and_are_recorded_on_separate_channels()
    {
        await using var host = await EngineHost.StartAsync();
        await using var agent = await AgentAsync(host, "agent1", AgentTone);
        await using var caller = await CallerAsync();
        Assert.Single(host.Engine.Locations.Lookup("agent1"));
        RouteTo(host, "agent1");

        await caller.DialAsync($"sip:12348@{host.Address}");
        await caller.WaitForEventAsync("CALL_ESTABLISHED");
        await agent.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await caller.HangupAsync();
        await agent.WaitForEventAsync("CALL_CLOSED");
        var stopped = await host.WaitForAsync<RecordingStopped>();

        Assert.Empty(host.HandlerErrors);
        var heardByAgent = await WavAnalysis.ReadAsync(agent.ReceivedAudioFiles().Single());
        var heardByCaller = await WavAnalysis.ReadAsync(caller.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(heardByAgent, CallerTone) > 0.5, WavAnalysis.Describe(heardByAgent, CallerTone, AgentTone));
        Assert.True(WavAnalysis.ToneShare(heardByCaller, AgentTone) > 0.5, WavAnalysis.Describe(heardByCaller, CallerTone, AgentTone));
        var recording = await WavAnalysis.ReadAsync(stopped.Path);
        Assert.True(WavAnalysis.ToneShare(recording, CallerTone, channel: 0) > 0.5, WavAnalysis.Describe(recording, CallerTone, AgentTone));
        Assert.True(WavAnalysis.ToneShare(recording, AgentTone, channel: 0) < 0.1, WavAnalysis.Describe(recording, CallerTone, AgentTone));
        Assert.True(WavAnalysis.ToneShare(recording, AgentTone, channel: 1) > 0.5, WavAnalysis.Describe(recording, CallerTone, AgentTone));
        Assert.True(WavAnalysis.ToneShare(recording, CallerTone, channel: 1) < 0.1, WavAnalysis.Describe(recording, CallerTone, AgentTone));
        Assert.True(WavAnalysis.AudibleDuration(recording, 0) > TimeSpan.FromSeconds(2), WavAnalysis.Describe(recording));
    }

    [Fact]
    public async Task The_agent_holds_and_resumes_and_key_presses_pass_both_ways()
    {
        await using var host = await EngineHost.StartAsync();
        await using var agent = await AgentAsync(host, "agent1", AgentTone);
        await using var caller = await CallerAsync();
        var agentLegs = new List<CallLegId>();
        RouteTo(host, "agent1", agentLegs);

        await caller.DialAsync($"sip:12348@{host.Address}");
        await agent.WaitForEventAsync("CALL_ESTABLISHED");
        await caller.WaitForEventAsync("CALL_ESTABLISHED");
        var agentLeg = await host.WaitForAsync<CallAnswered>(a => agentLegs.Contains(a.Leg));

        await agent.HoldAsync();
        await host.WaitForAsync<HoldChanged>(h => h.Leg == agentLeg.Leg && h.OnHold);
        Assert.True(host.Calls.GetLeg(agentLeg.Leg)!.OnHold);
        await agent.ResumeAsync();
        await host.WaitForAsync<HoldChanged>(h => h.Leg == agentLeg.Leg && !h.OnHold);

        // The agent's key press reaches the engine (an agent confirming a transfer code, say) …
        await agent.SendDtmfAsync("7");
        var fromAgent = await host.WaitForAsync<DtmfReceived>(d => d.Leg == agentLeg.Leg);
        Assert.Equal('7', fromAgent.Digit);
        // … and the caller's key press is relayed to the agent's phone through the bridge.
        await caller.SendDtmfAsync("5");
        var relayed = await agent.WaitForEventAsync("CALL_DTMF_START");
        Assert.Equal("5", relayed.Param);
        Assert.Single(host.Seen.OfType<DtmfReceived>(), d => d.Leg == agentLeg.Leg);

        await agent.HangupAsync();
        await caller.WaitForEventAsync("CALL_CLOSED");
    }

    [Fact]
    public async Task The_agent_transfers_the_caller_to_a_colleague_and_the_engine_keeps_the_callers_leg()
    {
        await using var host = await EngineHost.StartAsync();
        await using var agent1 = await AgentAsync(host, "agent1", AgentTone);
        await using var agent2 = await AgentAsync(host, "agent2", 700);
        await using var caller = await CallerAsync();
        RouteTo(host, "agent1");

        await caller.DialAsync($"sip:12348@{host.Address}");
        await agent1.WaitForEventAsync("CALL_ESTABLISHED");
        await caller.WaitForEventAsync("CALL_ESTABLISHED");
        var offered = await host.WaitForAsync<CallOffered>();
        // The lawyer talks to the caller for a moment before transferring.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await agent1.TransferAsync($"sip:agent2@{host.Address}");
        await agent2.WaitForEventAsync("CALL_ESTABLISHED");
        var completed = await host.WaitForAsync<TransferCompleted>();
        Assert.True(completed.Succeeded, completed.ToString());
        Assert.Equal(offered.Leg, completed.Partner);
        await agent1.WaitForEventAsync("CALL_CLOSED");
        await Task.Delay(TimeSpan.FromSeconds(2));

        // The caller never left: same leg, now bridged to agent2.
        Assert.Equal(completed.NewLeg, host.Calls.GetLeg(offered.Leg)!.BridgedTo);
        Assert.DoesNotContain(caller.ReceivedEvents(), e => e.Type == "CALL_CLOSED");
        await caller.HangupAsync();
        await agent2.WaitForEventAsync("CALL_CLOSED");
        var heardByAgent2 = await WavAnalysis.ReadAsync(agent2.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(heardByAgent2, CallerTone) > 0.5, WavAnalysis.Describe(heardByAgent2, CallerTone));
        var heardByCaller = await WavAnalysis.ReadAsync(caller.ReceivedAudioFiles().Single());
        // The caller heard agent1 first, then agent2.
        Assert.True(WavAnalysis.ToneShare(heardByCaller, 700) > 0.15, WavAnalysis.Describe(heardByCaller, AgentTone, 700));
        Assert.True(WavAnalysis.ToneShare(heardByCaller, AgentTone) > 0.15, WavAnalysis.Describe(heardByCaller, AgentTone, 700));
    }

    [Fact]
    public async Task Linphone_registers_answers_and_hears_the_caller()
    {
        await using var host = await EngineHost.StartAsync();
        host.Accounts.Add("agent3", "pw-agent3");
        await using var agent = await LinphonePhone.StartAsync(new LinphoneOptions
        {
            User = "agent3",
            Password = "pw-agent3",
            Registrar = host.Address,
            PlayFile = await sounds.ToneAsync(AgentTone),
        });
        await agent.WaitForRegistrationAsync();
        await using var caller = await CallerAsync();
        RouteTo(host, "agent3");

        await caller.DialAsync($"sip:12348@{host.Address}");
        await agent.WaitForLineAsync(LinphonePhone.CallConnected);
        await caller.WaitForEventAsync("CALL_ESTABLISHED");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await caller.HangupAsync();
        await agent.WaitForLineAsync(LinphonePhone.CallEnded);
        var stopped = await host.WaitForAsync<RecordingStopped>();

        var heardByCaller = await WavAnalysis.ReadAsync(caller.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(heardByCaller, AgentTone) > 0.5, WavAnalysis.Describe(heardByCaller, CallerTone, AgentTone));
        var recording = await WavAnalysis.ReadAsync(stopped.Path);
        Assert.True(WavAnalysis.ToneShare(recording, CallerTone, channel: 0) > 0.5, WavAnalysis.Describe(recording, CallerTone, AgentTone));
        Assert.True(WavAnalysis.ToneShare(recording, AgentTone, channel: 1) > 0.5, WavAnalysis.Describe(recording, CallerTone, AgentTone));
        await WaitForFileAsync(agent.RecordFile);
        var heardByAgent = await WavAnalysis.ReadAsync(agent.RecordFile);
        Assert.True(WavAnalysis.ToneShare(heardByAgent, CallerTone) > 0.5, WavAnalysis.Describe(heardByAgent, CallerTone, AgentTone));
    }

    private static async Task WaitForFileAsync(string path)
    {
        // linphonec writes its WAV header when the call ends.
        for (var i = 0; i < 50 && !(File.Exists(path) && new FileInfo(path).Length > 44); i++)
        {
            await Task.Delay(100);
        }
    }
}
