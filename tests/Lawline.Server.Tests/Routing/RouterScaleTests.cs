using Lawline.Server.Routing;

namespace Lawline.Server.Tests.Routing;

/// <summary>A correctness check at the size the benchmark measures (1,000 agents, 50 queues); not timed.</summary>
public sealed class RouterScaleTests
{
    [Fact]
    public void A_thousand_agents_and_fifty_queues_dispatch_only_to_eligible_agents_and_serve_every_call()
    {
        const int Platforms = 5, SkillsPerPlatform = 10, Agents = 1000, Calls = 3000;
        var random = new Random(12348);
        var platforms = Enumerable.Range(1, Platforms).Select(p => new PlatformNode(new PlatformId(p), p == 1 ? null : new PlatformId(1))).ToList();
        var queues = (from p in Enumerable.Range(1, Platforms)
                      from k in Enumerable.Range(0, SkillsPerPlatform)
                      select new QueueDefinition(new QueueId($"p{p}-s{k}"), new PlatformId(p), $"s{k}", k == 0, new OverflowRules
                      {
                          OverflowToGeneralAfter = TimeSpan.FromSeconds(60),
                          OverflowToParentPlatformAfter = p == 1 ? null : TimeSpan.FromSeconds(120),
                          PullSubPlatformAgentsAbove = p == 1 ? 5 : null,
                      })).ToList();
        var agents = Enumerable.Range(1, Agents).Select(a => new AgentDefinition(new AgentId(a), new PlatformId(1 + a % Platforms),
            Enumerable.Range(0, SkillsPerPlatform).OrderBy(_ => random.Next()).Take(1 + a % 3).ToDictionary(k => $"s{k}", _ => 1 + random.Next(5)))).ToList();
        var byId = agents.ToDictionary(a => a.AgentId);
        var queueById = queues.ToDictionary(q => q.QueueId);
        using var s = new RouterScenario(new RoutingConfiguration(platforms, queues, agents) { WrapUp = TimeSpan.Zero });
        foreach (var agent in agents.Where(a => a.AgentId.Value % 4 != 0))
        {
            s.Router.SetReady(agent.AgentId);
        }

        s.Drain();
        var ringing = new Dictionary<AgentId, CallId>();
        var answered = new HashSet<CallId>();
        for (var i = 0; i < Calls; i++)
        {
            var queue = queues[random.Next(queues.Count)];
            s.Router.Enqueue(new CallId($"call-{i}"), queue.QueueId, (CallPriority)random.Next(4), $"+861380000{i:D4}");
            s.Advance(random.Next(0, 3));
            foreach (var routingEvent in s.Drain())
            {
                if (routingEvent is not OfferCall offer)
                {
                    continue;
                }

                // Only ready agents are offered calls, and only calls their skills (or an overflow rule) allow.
                Assert.True(ringing.TryAdd(offer.AgentId, offer.CallId), $"agent {offer.AgentId} offered two calls");
                var agent = byId[offer.AgentId];
                var target = queueById[offer.QueueId];
                var eligible = offer.Reason switch
                {
                    OfferReason.Skill => agent.PlatformId == target.PlatformId && agent.Skills.ContainsKey(target.SkillCode),
                    OfferReason.OverflowGeneral => agent.PlatformId == target.PlatformId && agent.Skills.ContainsKey("s0") && offer.Waited >= TimeSpan.FromSeconds(60),
                    OfferReason.OverflowParent => agent.PlatformId.Value == 1 && agent.Skills.ContainsKey(target.SkillCode) && offer.Waited >= TimeSpan.FromSeconds(120),
                    OfferReason.PulledSubPlatform => agent.PlatformId.Value != 1 && target.PlatformId.Value == 1 && agent.Skills.ContainsKey(target.SkillCode),
                    _ => false,
                };
                Assert.True(eligible, $"{offer} is not allowed for {agent.PlatformId}/{string.Join(',', agent.Skills.Keys)}");
            }

            // Finish a few calls each step so agents keep coming back.
            foreach (var (agentId, callId) in ringing.Take(3).ToList())
            {
                Assert.True(s.Router.Answered(callId, agentId));
                Assert.True(s.Router.CallEnded(agentId));
                ringing.Remove(agentId);
                Assert.True(answered.Add(callId));
            }
        }

        // Drain the rest: every call is eventually answered.
        for (var round = 0; round < 10_000 && answered.Count < Calls; round++)
        {
            s.Advance(30);
            foreach (var offer in s.Drain().OfType<OfferCall>())
            {
                Assert.True(ringing.TryAdd(offer.AgentId, offer.CallId));
            }

            foreach (var (agentId, callId) in ringing.ToList())
            {
                s.Router.Answered(callId, agentId);
                s.Router.CallEnded(agentId);
                ringing.Remove(agentId);
                answered.Add(callId);
            }
        }

        Assert.Equal(Calls, answered.Count);
        Assert.All(s.Router.Snapshots(), q => Assert.Equal(0, q.Waiting));
    }
}
