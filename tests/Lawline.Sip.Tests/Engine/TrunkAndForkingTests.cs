using Lawline.Sip.Calls;
using Lawline.Sip.Tests.Peers;

namespace Lawline.Sip.Tests.Engine;

/// <summary>
/// Calls beyond one registered phone: an agent with two devices (both ring, the first to answer wins), a
/// remote agent's mobile reached through a registering trunk (kamailio stands in for the carrier), prompts
/// and music on hold heard by a real phone.
/// </summary>
[Trait("Category", "Peers")]
public sealed class TrunkAndForkingTests : IDisposable
{
    private readonly SoundFiles sounds = new();

    public void Dispose() => sounds.Dispose();

    [Fact]
    public async Task Both_devices_of_an_agent_ring_and_the_one_that_answers_takes_the_call()
    {
        await using var host = await EngineHost.StartAsync();
        host.Accounts.Add("agent1", "pw1");
        await using var deskPhone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = "agent1", Password = "pw1", Registrar = host.Address, AutoAnswer = false, AudioFile = await sounds.ToneAsync(400),
        });
        await using var softphone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = "agent1", Password = "pw1", Registrar = host.Address, AutoAnswer = false, AudioFile = await sounds.ToneAsync(400),
        });
        await deskPhone.WaitForRegistrationAsync();
        await softphone.WaitForRegistrationAsync();
        Assert.Equal(2, host.Engine.Locations.Lookup("agent1").Count);

        var originate = host.Calls.OriginateAsync(new OriginateRequest(new OriginateTarget.Registered("agent1")) { CallerNumber = "13800138000" });
        await deskPhone.WaitForEventAsync("CALL_INCOMING");
        await softphone.WaitForEventAsync("CALL_INCOMING");
        await softphone.AcceptAsync();
        var result = await originate.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.True(result.Answered, result.ToString());
        await softphone.WaitForEventAsync("CALL_ESTABLISHED");
        // The desk phone stops ringing: the engine cancelled its INVITE.
        await deskPhone.WaitForEventAsync("CALL_CLOSED");
        Assert.Single(host.Calls.ActiveLegs());
        await host.Calls.HangupAsync(result.Leg!.Value);
        await softphone.WaitForEventAsync("CALL_CLOSED");
    }

    [Fact]
    public async Task An_agent_who_does_not_answer_is_cancelled_after_the_ring_timeout()
    {
        await using var host = await EngineHost.StartAsync();
        host.Accounts.Add("agent1", "pw1");
        await using var phone = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = "agent1", Password = "pw1", Registrar = host.Address, AutoAnswer = false, AudioFile = await sounds.ToneAsync(400),
        });
        await phone.WaitForRegistrationAsync();

        var result = await host.Calls.OriginateAsync(new OriginateRequest(new OriginateTarget.Registered("agent1")) { RingTimeout = TimeSpan.FromSeconds(2) });

        Assert.False(result.Answered);
        Assert.Equal(HangupCause.NoAnswer, result.Cause);
        await phone.WaitForEventAsync("CALL_CLOSED");
        Assert.Empty(host.Calls.ActiveLegs());
    }

    [Fact]
    public async Task A_remote_agents_mobile_is_called_through_a_registering_trunk()
    {
        await using var carrier = await KamailioProxy.StartAsync(password: "trunk-secret");
        await using var host = await EngineHost.StartAsync(options => options.Trunks.Add(new SipTrunkOptions
        {
            Name = "carrier",
            Host = "127.0.0.1",
            Port = carrier.Port,
            Username = "12348",
            Password = "trunk-secret",
            Register = true,
            Domain = carrier.Domain.Split(':')[0],
        }));
        await using var mobile = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = "13900139000", Password = "trunk-secret", Registrar = carrier.Domain, AudioFile = await sounds.ToneAsync(400),
        });
        await mobile.WaitForRegistrationAsync();
        await Eventually(() => host.Engine.TrunkRegistrations.ContainsKey("carrier"));

        // A citizen on the carrier's network dials the hotline: the carrier routes to the engine's registration.
        await using var citizen = await BaresipPhone.StartAsync(new BaresipOptions
        {
            User = "13800138000", Password = "trunk-secret", Registrar = carrier.Domain, AudioFile = await sounds.ToneAsync(1000),
        });
        await citizen.WaitForRegistrationAsync();
        host.OnOffered(async offered =>
        {
            var agent = await host.Calls.OriginateAsync(new OriginateRequest(new OriginateTarget.Trunk("carrier", "13900139000"))
            {
                CallerNumber = offered.CallerNumber,
                EarlyMediaFor = offered.Leg,
            });
            Assert.True(agent.Answered, agent.ToString());
            await host.Calls.AnswerAsync(offered.Leg);
            await host.Calls.BridgeAsync(offered.Leg, agent.Leg!.Value);
        });

        await citizen.DialAsync($"sip:12348@{carrier.Domain}");
        await mobile.WaitForEventAsync("CALL_ESTABLISHED");
        await citizen.WaitForEventAsync("CALL_ESTABLISHED");
        var offered = await host.WaitForAsync<CallOffered>();
        Assert.Equal("13800138000", offered.CallerNumber);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await citizen.HangupAsync();
        await mobile.WaitForEventAsync("CALL_CLOSED");

        Assert.Empty(host.HandlerErrors);
        var heardByMobile = await WavAnalysis.ReadAsync(mobile.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(heardByMobile, 1000) > 0.5, WavAnalysis.Describe(heardByMobile, 1000, 400));
        var heardByCitizen = await WavAnalysis.ReadAsync(citizen.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(heardByCitizen, 400) > 0.5, WavAnalysis.Describe(heardByCitizen, 1000, 400));
    }

    [Fact]
    public async Task A_caller_hears_the_greeting_prompt_and_music_on_hold()
    {
        await using var host = await EngineHost.StartAsync();
        var greeting = await sounds.ToneAsync(1200, WavEncoding.MuLaw, TimeSpan.FromSeconds(1.5));
        host.OnOffered(async offered =>
        {
            await host.Calls.AnswerAsync(offered.Leg);
            await host.Calls.PlayFileAsync(offered.Leg, greeting);
            await host.Calls.HoldAsync(offered.Leg);
            await Task.Delay(TimeSpan.FromSeconds(4));
            await host.Calls.HangupAsync(offered.Leg);
        });
        await using var caller = await BaresipPhone.StartAsync(new BaresipOptions { User = "citizen", AudioFile = await sounds.ToneAsync(1000) });

        await caller.DialAsync($"sip:12348@{host.Address}");
        await caller.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(20));

        var heard = await WavAnalysis.ReadAsync(caller.ReceivedAudioFiles().Single());
        Assert.True(WavAnalysis.ToneShare(heard, 1200) > 0.15, WavAnalysis.Describe(heard, 1200, 440, 554));
        // After the greeting, the default music on hold: a soft 440 + 554 Hz chime.
        var onHold = new WavAudio(heard.SampleRate, [heard.Channels[0][(heard.SampleRate * 2)..]]);
        Assert.True(WavAnalysis.ToneShare(onHold, 440) + WavAnalysis.ToneShare(onHold, 554) > 0.5, WavAnalysis.Describe(onHold, 1200, 440, 554));
        Assert.True(WavAnalysis.AudibleDuration(onHold) > TimeSpan.FromSeconds(1), WavAnalysis.Describe(onHold, 1200, 440, 554));
        Assert.Empty(host.HandlerErrors);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition());
    }
}
