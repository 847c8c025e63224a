namespace Lawline.Sip.Tests.Peers;

/// <summary>
/// Proves the harness against real peers, without our engine: kamailio is the registrar and proxy.
/// If a tool is missing these fail (Tool.Require) rather than skip; the test script installs them.
/// </summary>
[Trait("Category", "Peers")]
public sealed class HarnessTests
{
    private const double ToneShareHeard = 0.5;

    [Fact]
    public async Task Baresip_registers_with_digest_to_kamailio()
    {
        await using var proxy = await KamailioProxy.StartAsync();
        using var sounds = new SoundFiles();
        await using var phone = await BaresipPhone.StartAsync(new()
        {
            User = "agent1", Registrar = proxy.Domain, AudioFile = await sounds.ToneAsync(1000),
        });

        await phone.WaitForRegistrationAsync();

        var info = (await phone.CommandAsync("reginfo")).Data;
        Assert.Contains("sip:agent1@" + proxy.Domain, info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baresip_calls_baresip_through_kamailio_and_each_hears_the_others_tone_and_dtmf()
    {
        await using var proxy = await KamailioProxy.StartAsync();
        using var sounds = new SoundFiles();
        await using var caller = await BaresipPhone.StartAsync(new()
        {
            User = "caller", Registrar = proxy.Domain, AudioFile = await sounds.ToneAsync(1000),
        });
        await using var agent = await BaresipPhone.StartAsync(new()
        {
            User = "agent", Registrar = proxy.Domain, AudioFile = await sounds.ToneAsync(400), AutoAnswer = true,
        });
        await caller.WaitForRegistrationAsync();
        await agent.WaitForRegistrationAsync();

        await caller.DialAsync(agent.Aor);
        await caller.WaitForEventAsync("CALL_ESTABLISHED");
        await agent.WaitForEventAsync("CALL_ESTABLISHED");
        Assert.Equal(1, await caller.ActiveCallCountAsync());

        // Let audio flow in both directions for a while before the DTMF.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await caller.SendDtmfAsync("15#");
        var digits = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            digits.Add((await agent.WaitForEventAsync("CALL_DTMF_START")).Param);
        }
        Assert.Equal(["1", "5", "#"], digits);

        await caller.HangupAsync();
        await caller.WaitForEventAsync("CALL_CLOSED");
        await agent.WaitForEventAsync("CALL_CLOSED");

        var agentHeard = await WavAnalysis.ReadAsync(agent.ReceivedAudioFiles().Single());
        var callerHeard = await WavAnalysis.ReadAsync(caller.ReceivedAudioFiles().Single());
        var agentReport = WavAnalysis.Describe(agentHeard, 1000, 400);
        var callerReport = WavAnalysis.Describe(callerHeard, 1000, 400);
        Assert.True(WavAnalysis.ToneShare(agentHeard, 1000) > ToneShareHeard, $"agent should hear the caller's 1000 Hz: {agentReport}");
        Assert.True(WavAnalysis.ToneShare(agentHeard, 400) < 0.1, $"agent should not hear 400 Hz: {agentReport}");
        Assert.True(WavAnalysis.ToneShare(callerHeard, 400) > ToneShareHeard, $"caller should hear the agent's 400 Hz: {callerReport}");
        Assert.True(WavAnalysis.AudibleDuration(agentHeard) > TimeSpan.FromSeconds(1.5), $"agent heard too little: {agentReport}");
    }

    [Fact]
    public async Task Sipp_registers_50_users_with_digest_at_100_per_second()
    {
        await using var proxy = await KamailioProxy.StartAsync(password: "s3cret");
        var users = Enumerable.Range(1001, 50).Select(n => ($"{n}", "s3cret"));

        var result = await SippRunner.RunAsync(new(SippScenarios.RegisterWithDigest())
        {
            Remote = proxy.Domain,
            InjectionCsv = SippScenarios.RegisterUsersCsv(users),
            Calls = 50,
            Rate = 100,
            Limit = 50,
            Timeout = TimeSpan.FromSeconds(30),
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(50, result.SuccessfulCalls);
        Assert.Equal(0, result.FailedCalls);
    }

    [Fact]
    public async Task Sipp_register_with_a_wrong_password_fails()
    {
        await using var proxy = await KamailioProxy.StartAsync(password: "s3cret");

        var result = await SippRunner.RunAsync(new(SippScenarios.RegisterWithDigest())
        {
            Remote = proxy.Domain,
            InjectionCsv = SippScenarios.RegisterUsersCsv([("1001", "wrong")]),
            ReceiveTimeout = TimeSpan.FromSeconds(3),
            Timeout = TimeSpan.FromSeconds(10),
        });

        Assert.True(result.ExitCode != 0 && result.SuccessfulCalls == 0, result.ToString());
        Assert.Contains("401 Unauthorized", result.ErrorLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sipp_uac_with_pcap_audio_and_dtmf_calls_sipp_uas_directly()
    {
        await using var uas = SippRunner.Start(new(SippScenarios.UasAnswersThenReceivesBye("PCMA")) { EchoRtp = true });

        var uac = await SippRunner.RunAsync(new(SippScenarios.UacPcapThenDtmf("1", speechMs: 2000)) { Remote = uas.Address });
        var uasResult = await uas.WaitAsync();

        Assert.True(uac.ExitCode == 0 && uac.SuccessfulCalls == 1, uac.ToString());
        Assert.True(uasResult.ExitCode == 0 && uasResult.SuccessfulCalls == 1, uasResult.ToString());
    }

    [Fact]
    public async Task Sipp_uac_that_withholds_the_ack_sees_the_200_retransmitted()
    {
        await using var uas = SippRunner.Start(new(SippScenarios.UasAnswersThenReceivesBye()));

        var uac = await SippRunner.RunAsync(new(SippScenarios.UacWithholdsAck()) { Remote = uas.Address, TraceMessages = true });
        await uas.WaitAsync();

        Assert.True(uac.ExitCode == 0, uac.ToString());
        Assert.True(uac.CountReceived("SIP/2.0 200", "INVITE") >= 2, uac.MessageLog);
    }

    [Fact]
    public async Task Sipp_uas_hangs_up_and_sipp_uac_answers_its_bye()
    {
        await using var uas = SippRunner.Start(new(SippScenarios.UasAnswersThenSendsBye(hangupAfterMs: 1000)));

        var uac = await SippRunner.RunAsync(new(SippScenarios.UacExpectsByeFromFarEnd()) { Remote = uas.Address });
        var uasResult = await uas.WaitAsync();

        Assert.True(uac.ExitCode == 0, uac.ToString());
        Assert.True(uasResult.ExitCode == 0, uasResult.ToString());
    }

    [Fact]
    public async Task Sipp_cancels_a_call_that_baresip_lets_ring()
    {
        using var sounds = new SoundFiles();
        await using var agent = await BaresipPhone.StartAsync(new() { User = "agent", AutoAnswer = false, AudioFile = await sounds.ToneAsync(400) });

        var uac = await SippRunner.RunAsync(new(SippScenarios.UacCancelBeforeAnswer()) { Remote = $"127.0.0.1:{agent.SipPort}", Service = "agent" });

        Assert.True(uac.ExitCode == 0, uac.ToString());
        await agent.WaitForEventAsync("CALL_CLOSED");
    }

    [Fact]
    public async Task Sipp_streams_a_wav_and_dtmf_to_baresip_which_hears_both()
    {
        using var sounds = new SoundFiles();
        var caller = await sounds.ToneAsync(1000, WavEncoding.MuLaw, TimeSpan.FromSeconds(3));
        await using var agent = await BaresipPhone.StartAsync(new() { User = "agent", AudioFile = await sounds.ToneAsync(400) });

        var uac = await SippRunner.RunAsync(new(SippScenarios.UacWavThenDtmf(caller, "12#")) { Remote = $"127.0.0.1:{agent.SipPort}", Service = "agent" });

        Assert.True(uac.ExitCode == 0, uac.ToString());
        await agent.WaitForEventAsync("CALL_CLOSED");
        var digits = agent.ReceivedEvents().Where(e => e.Type == "CALL_DTMF_START").Select(e => e.Param).ToList();
        Assert.Equal(["1", "2", "#"], digits);
        var heard = await WavAnalysis.ReadAsync(agent.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(heard, 1000) > ToneShareHeard, WavAnalysis.Describe(heard, 1000, 400));
    }

    [Fact]
    public async Task Linphonec_registers_answers_a_call_from_baresip_and_both_hear_each_other()
    {
        await using var proxy = await KamailioProxy.StartAsync();
        using var sounds = new SoundFiles();
        await using var linphone = await LinphonePhone.StartAsync(new()
        {
            User = "agent3", Registrar = proxy.Domain, PlayFile = await sounds.ToneAsync(400),
        });
        await using var caller = await BaresipPhone.StartAsync(new()
        {
            User = "caller", Registrar = proxy.Domain, AudioFile = await sounds.ToneAsync(1000),
        });
        await linphone.WaitForRegistrationAsync();
        await caller.WaitForRegistrationAsync();

        await caller.DialAsync(linphone.Aor);
        await caller.WaitForEventAsync("CALL_ESTABLISHED");
        await linphone.WaitForLineAsync(LinphonePhone.CallConnected);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await caller.SendDtmfAsync("5");
        await linphone.WaitForLineAsync(l => l.Contains("Receiving tone 5", StringComparison.Ordinal));
        await caller.HangupAsync();
        await caller.WaitForEventAsync("CALL_CLOSED");
        await linphone.WaitForLineAsync(LinphonePhone.CallEnded);

        var linphoneHeard = await WavAnalysis.ReadAsync(linphone.RecordFile);
        var callerHeard = await WavAnalysis.ReadAsync(caller.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(linphoneHeard, 1000) > ToneShareHeard, "linphonec heard: " + WavAnalysis.Describe(linphoneHeard, 1000, 400));
        Assert.True(WavAnalysis.ToneShare(callerHeard, 400) > ToneShareHeard, "baresip heard: " + WavAnalysis.Describe(callerHeard, 1000, 400));
    }
}
