using System.Net;
using Lawline.Sip.Auth;
using Lawline.Sip.Messages;
using Lawline.Sip.Registrar;
using Microsoft.Extensions.Time.Testing;

namespace Lawline.Sip.Tests.Engine;

/// <summary>The registrar's bindings: lifetimes, limits, removal and OPTIONS keep-alive, on a fake clock.</summary>
public sealed class RegistrarTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private static async Task<SipResponse> RegisterAsync(RawPhone phone, string user, string password, string? expires = "120", string contact = "")
    {
        var register = Register(phone, user, expires, contact);
        await phone.SendAsync(register);
        var challenge = await phone.ResponseAsync();
        Assert.Equal(401, challenge.StatusCode);
        var retry = Register(phone, user, expires, contact);
        Assert.True(DigestClient.Authorize(retry, challenge, user, password));
        await phone.SendAsync(retry);
        return await phone.ResponseAsync();
    }

    private static SipRequest Register(RawPhone phone, string user, string? expires, string contact)
    {
        var request = phone.Request(SipMethods.Register, user);
        request.Uri = SipUri.Parse("sip:127.0.0.1");
        request.Headers.Set(HeaderNames.To, $"<sip:{user}@127.0.0.1>");
        request.Headers.Set(HeaderNames.From, $"<sip:{user}@127.0.0.1>;tag={phone.FromTag}");
        request.Headers.Set(HeaderNames.Contact, contact.Length > 0 ? contact : $"<sip:{user}-0x1@127.0.0.1:{phone.Port}>");
        if (expires is not null)
        {
            request.Headers.Set(HeaderNames.Expires, expires);
        }

        return request;
    }

    private void AdvanceSeconds(int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task A_binding_lives_for_the_granted_time_and_the_200_says_how_long()
    {
        await using var host = await EngineHost.StartAsync(time: clock);
        host.Accounts.Add("8001", "pw");
        using var phone = new RawPhone(new IPEndPoint(IPAddress.Loopback, host.Port));

        var ok = await RegisterAsync(phone, "8001", "pw", expires: "120");

        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("120", Assert.Single(ok.Contacts).Parameters["expires"]);
        var binding = Assert.Single(host.Engine.Locations.Lookup("8001"));
        Assert.Equal(phone.Port, binding.Source.Port); // calls go where the REGISTER came from
        AdvanceSeconds(119);
        Assert.Single(host.Engine.Locations.Lookup("8001"));
        AdvanceSeconds(1);
        Assert.Empty(host.Engine.Locations.Lookup("8001"));
    }

    [Fact]
    public async Task Expiries_are_clamped_too_brief_ones_refused_423_and_zero_removes_the_binding()
    {
        await using var host = await EngineHost.StartAsync(time: clock);
        host.Accounts.Add("8001", "pw");
        using var phone = new RawPhone(new IPEndPoint(IPAddress.Loopback, host.Port));

        var tooBrief = await RegisterAsync(phone, "8001", "pw", expires: "10");
        Assert.Equal(423, tooBrief.StatusCode);
        Assert.Equal("60", tooBrief.Headers[HeaderNames.MinExpires]);

        var tooLong = await RegisterAsync(phone, "8001", "pw", expires: "86400");
        Assert.Equal("3600", Assert.Single(tooLong.Contacts).Parameters["expires"]);

        var removed = await RegisterAsync(phone, "8001", "pw", expires: "0");
        Assert.Equal(200, removed.StatusCode);
        Assert.Empty(removed.Contacts);
        Assert.Empty(host.Engine.Locations.Lookup("8001"));
    }

    [Fact]
    public async Task A_phone_may_register_only_its_own_account()
    {
        await using var host = await EngineHost.StartAsync(time: clock);
        host.Accounts.Add("8001", "pw1").Add("8002", "pw2");
        using var phone = new RawPhone(new IPEndPoint(IPAddress.Loopback, host.Port));

        var register = Register(phone, "8002", "120", "");
        await phone.SendAsync(register);
        var challenge = await phone.ResponseAsync();
        var retry = Register(phone, "8002", "120", "");
        DigestClient.Authorize(retry, challenge, "8001", "pw1"); // 8001's valid credentials for 8002's address
        await phone.SendAsync(retry);

        Assert.Equal(403, (await phone.ResponseAsync()).StatusCode);
        Assert.Empty(host.Engine.Locations.All());
    }

    [Fact]
    public async Task A_phone_that_stops_answering_keep_alives_is_dropped()
    {
        await using var host = await EngineHost.StartAsync(options =>
        {
            options.KeepAliveSeconds = 30;
            options.KeepAliveMaxFailures = 2;
        }, time: clock);
        host.Accounts.Add("8001", "pw");
        using var phone = new RawPhone(new IPEndPoint(IPAddress.Loopback, host.Port));
        Assert.Equal(200, (await RegisterAsync(phone, "8001", "pw", expires: "3600")).StatusCode);

        // The first keep-alive is answered: the phone stays.
        AdvanceSeconds(30);
        var options = (SipRequest)await phone.ReceiveAsync();
        Assert.Equal(SipMethods.Options, options.Method);
        await phone.SendAsync(options.CreateResponse(200));
        await Task.Delay(100);
        AdvanceSeconds(40);
        Assert.Single(host.Engine.Locations.Lookup("8001"));

        // Then the phone goes silent (unplugged, NAT binding lost): two unanswered keep-alives drop it.
        AdvanceSeconds(90);
        await Task.Delay(100);
        Assert.Empty(host.Engine.Locations.Lookup("8001"));
        var changes = new List<RegistrationEvent>();
        while (host.Engine.Locations.Changes.TryRead(out var change))
        {
            changes.Add(change);
        }

        Assert.Equal([RegistrationChange.Registered, RegistrationChange.Unreachable], changes.Select(c => c.Change));
    }
}
