using Lawline.Server.Agents;
using Lawline.Server.Common;

namespace Lawline.Server.Tests.Agents;

public sealed class AgentTests
{
    private static readonly DateOnly Monday = new(2025, 9, 29);

    [Fact]
    public void A_new_agent_is_admitted()
        => Assert.Equal(AgentStatus.Admitted, new Agent().Status);

    [Fact]
    public void Suspend_then_reinstate_keeps_the_reason_only_while_suspended()
    {
        var agent = new Agent();

        agent.Suspend(" 年度考核待复核 ", Monday);
        Assert.Equal(AgentStatus.Suspended, agent.Status);
        Assert.Equal("年度考核待复核", agent.StatusReason);
        Assert.Equal(Monday, agent.StatusChangedOn);

        agent.Reinstate(Monday.AddDays(7));
        Assert.Equal(AgentStatus.Admitted, agent.Status);
        Assert.Null(agent.StatusReason);
        Assert.Equal(Monday.AddDays(7), agent.StatusChangedOn);
    }

    [Fact]
    public void An_admitted_or_suspended_agent_can_exit_for_good()
    {
        var admitted = new Agent();
        var suspended = new Agent();
        suspended.Suspend("停业整顿", Monday);

        admitted.Exit("执业机构变更", Monday);
        suspended.Exit("注销执业证", Monday);

        Assert.Equal(AgentStatus.Exited, admitted.Status);
        Assert.Equal(AgentStatus.Exited, suspended.Status);
        Assert.Equal("注销执业证", suspended.StatusReason);
    }

    [Fact]
    public void An_admitted_agent_cannot_be_reinstated()
    {
        var agent = new Agent();

        var error = Assert.Throws<DomainException>(() => agent.Reinstate(Monday));

        Assert.Equal("status", error.Field);
        Assert.Equal(AgentStatus.Admitted, agent.Status);
    }

    [Fact]
    public void An_exited_agent_can_be_neither_suspended_reinstated_nor_exited_again()
    {
        var agent = new Agent();
        agent.Exit("退出值班律师库", Monday);

        Assert.Throws<DomainException>(() => agent.Suspend("x", Monday));
        Assert.Throws<DomainException>(() => agent.Reinstate(Monday));
        Assert.Throws<DomainException>(() => agent.Exit("x", Monday));
        Assert.Equal("退出值班律师库", agent.StatusReason);
    }

    [Fact]
    public void A_suspended_agent_cannot_be_suspended_again()
    {
        var agent = new Agent();
        agent.Suspend("first", Monday);

        Assert.Throws<DomainException>(() => agent.Suspend("second", Monday.AddDays(1)));
        Assert.Equal("first", agent.StatusReason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_status_change_needs_a_reason(string reason)
    {
        var agent = new Agent();

        var suspend = Assert.Throws<ValidationFailedException>(() => agent.Suspend(reason, Monday));
        var exit = Assert.Throws<ValidationFailedException>(() => agent.Exit(reason, Monday));

        Assert.Equal(["reason"], suspend.Errors.Keys);
        Assert.Equal(["reason"], exit.Errors.Keys);
        Assert.Equal(AgentStatus.Admitted, agent.Status);
    }

    [Fact]
    public void Skills_are_replaced_and_levels_updated()
    {
        var agent = new Agent();
        agent.SetSkills([(1, 3), (2, 1)]);

        agent.SetSkills([(2, 2), (3, 3)]);

        Assert.Equal([(2, 2), (3, 3)], agent.Skills.Select(s => (s.SkillId, s.Level)).OrderBy(s => s.SkillId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void A_skill_level_is_1_to_3(int level)
        => Assert.Throws<ValidationFailedException>(() => new Agent().SetSkills([(1, level)]));

    [Fact]
    public void A_skill_is_listed_once()
        => Assert.Throws<ValidationFailedException>(() => new Agent().SetSkills([(1, 1), (1, 2)]));
}
