using System.Text.RegularExpressions;
using Lawline.Server.Common;

namespace Lawline.Server.Routing.Ivr;

/// <summary>One problem in a flow: <see cref="Field"/> points at it ("nodes[main-menu].options.1") for the editor and the API.</summary>
public sealed record IvrFlowError(string Field, string Message);

/// <summary>Checks a flow before it is saved, so a published flow can always be run to an end.</summary>
public static partial class IvrFlowValidator
{
    public const int MaxNodes = 200;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9*#]$")]
    private static partial Regex DigitPattern();

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Parses and validates; the flow is null when the JSON could not be read.</summary>
    public static (IvrFlow? Flow, IReadOnlyList<IvrFlowError> Errors) Parse(string json)
    {
        var flow = IvrFlowJson.TryRead(json, out var error);
        return flow is null ? (null, [error!]) : (flow, Validate(flow));
    }

    /// <summary>Parses and validates, throwing <see cref="ValidationFailedException"/> (400 with field errors) on any problem.</summary>
    public static IvrFlow ParseOrThrow(string json)
    {
        var (flow, errors) = Parse(json);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        }
        return flow!;
    }

    public static IReadOnlyList<IvrFlowError> Validate(IvrFlow flow)
    {
        var errors = new List<IvrFlowError>();
        if (flow.Version != IvrFlow.CurrentVersion)
        {
            errors.Add(new("version", $"Format version {flow.Version} is not supported; this version of Lawline reads version {IvrFlow.CurrentVersion}."));
        }
        var nodes = flow.Nodes ?? [];
        if (nodes.Count == 0)
        {
            errors.Add(new("nodes", "The flow has no nodes."));
            return errors;
        }
        if (nodes.Count > MaxNodes)
        {
            errors.Add(new("nodes", $"The flow has {nodes.Count} nodes; at most {MaxNodes} are allowed."));
        }

        var byId = new Dictionary<string, IvrNode>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node is null)
            {
                errors.Add(new($"nodes[{i}]", "A node is null."));
                continue;
            }
            if (!IsValidName(node.Id))
            {
                errors.Add(new($"nodes[{i}].id", $"Node {i + 1} needs an id of 1–64 letters, digits, '-' or '_' (found '{node.Id}')."));
            }
            else if (!byId.TryAdd(node.Id, node))
            {
                errors.Add(new($"nodes[{node.Id}].id", $"The id '{node.Id}' is used by more than one node."));
            }
        }

        if (string.IsNullOrWhiteSpace(flow.Start))
        {
            errors.Add(new("start", "The flow needs a start node."));
        }
        else if (!byId.ContainsKey(flow.Start))
        {
            errors.Add(new("start", $"The start node '{flow.Start}' does not exist."));
        }

        foreach (var node in byId.Values)
        {
            CheckNode(node, byId, errors);
        }

        if (flow.Start is not null && byId.ContainsKey(flow.Start))
        {
            var reachable = Reachable(flow.Start, byId);
            foreach (var node in byId.Values.Where(n => !reachable.Contains(n.Id)))
            {
                errors.Add(new($"nodes[{node.Id}]", $"The node '{node.Id}' cannot be reached from the start node '{flow.Start}'."));
            }
        }
        FindLoopsWithoutInput(byId, errors);
        return errors;
    }

    private static void CheckNode(IvrNode node, Dictionary<string, IvrNode> byId, List<IvrFlowError> errors)
    {
        var at = $"nodes[{node.Id}]";
        void Prompt(string? prompt, string field = "prompt", bool required = true)
        {
            if (prompt is null && !required)
            {
                return;
            }
            if (string.IsNullOrWhiteSpace(prompt))
            {
                errors.Add(new($"{at}.{field}", $"The node '{node.Id}' needs a {field} (the name of a prompt WAV)."));
            }
            else if (!IsValidName(prompt))
            {
                errors.Add(new($"{at}.{field}", $"The prompt name '{prompt}' of node '{node.Id}' may only use letters, digits, '-' and '_' (at most 64)."));
            }
        }
        void Target(string? target, string field)
        {
            if (string.IsNullOrWhiteSpace(target))
            {
                errors.Add(new($"{at}.{field}", $"The node '{node.Id}' needs '{field}': the id of the node to go to."));
            }
            else if (!byId.ContainsKey(target))
            {
                errors.Add(new($"{at}.{field}", $"The node '{node.Id}' goes to the unknown node '{target}' ({field})."));
            }
        }

        switch (node)
        {
            case PlayNode play:
                Prompt(play.Prompt);
                Target(play.Next, "next");
                break;
            case MenuNode menu:
                Prompt(menu.Prompt);
                Prompt(menu.InvalidPrompt, "invalidPrompt", required: false);
                if (menu.Options is null || menu.Options.Count == 0)
                {
                    errors.Add(new($"{at}.options", $"The menu '{node.Id}' has no options: give at least one key and the node it leads to."));
                }
                else
                {
                    foreach (var (digit, target) in menu.Options)
                    {
                        if (!DigitPattern().IsMatch(digit))
                        {
                            errors.Add(new($"{at}.options.{digit}", $"The menu '{node.Id}' has the option '{digit}'; an option is one key: 0–9, * or #."));
                        }
                        Target(target, $"options.{digit}");
                    }
                }
                Target(menu.OnFail, "onFail");
                if (menu.TimeoutSeconds is < 1 or > 60)
                {
                    errors.Add(new($"{at}.timeoutSeconds", $"The menu '{node.Id}' waits {menu.TimeoutSeconds} s for a key; use 1–60 s."));
                }
                if (menu.MaxRetries is < 0 or > 5)
                {
                    errors.Add(new($"{at}.maxRetries", $"The menu '{node.Id}' repeats {menu.MaxRetries} times; use 0–5."));
                }
                break;
            case OfficeHoursCheckNode check:
                Target(check.Open, "open");
                Target(check.Closed, "closed");
                break;
            case QueueNode queue:
                if (string.IsNullOrWhiteSpace(queue.Skill))
                {
                    errors.Add(new($"{at}.skill", $"The queue node '{node.Id}' needs a skill code (e.g. LABOR, FAMILY, CONTRACT, GENERAL)."));
                }
                if (queue.Priority is < 0 or > 9)
                {
                    errors.Add(new($"{at}.priority", $"The queue node '{node.Id}' has priority {queue.Priority}; use 0 (normal) to 9."));
                }
                Prompt(queue.Prompt, required: false);
                break;
            case VoicemailNode voicemail:
                Prompt(voicemail.Prompt);
                break;
            case CallbackRequestNode callback:
                Prompt(callback.Prompt);
                break;
            case SelfServiceNode self:
                if (!Enum.IsDefined(self.Kind))
                {
                    errors.Add(new($"{at}.kind", $"The self-service node '{node.Id}' has an unknown kind."));
                }
                Prompt(self.Prompt);
                Target(self.Next, "next");
                break;
            case HangupNode hangup:
                Prompt(hangup.Prompt, required: false);
                break;
        }
    }

    /// <summary>The nodes a node can lead to.</summary>
    public static IEnumerable<string> Targets(IvrNode node) => (node switch
    {
        PlayNode p => [p.Next],
        MenuNode m => [.. (m.Options ?? new Dictionary<string, string>()).Values, m.OnFail],
        OfficeHoursCheckNode o => [o.Open, o.Closed],
        SelfServiceNode s => [s.Next],
        _ => Array.Empty<string>(),
    }).Where(t => !string.IsNullOrWhiteSpace(t));

    private static HashSet<string> Reachable(string start, Dictionary<string, IvrNode> byId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var pending = new Stack<string>([start]);
        while (pending.TryPop(out var id))
        {
            foreach (var target in Targets(byId[id]).Where(byId.ContainsKey))
            {
                if (seen.Add(target))
                {
                    pending.Push(target);
                }
            }
        }
        return seen;
    }

    // A cycle made only of nodes that never wait for a key (play, office-hours check, self-service) would run
    // forever on a silent caller. A cycle through a menu is fine: the menu ends it after its retries.
    private static void FindLoopsWithoutInput(Dictionary<string, IvrNode> byId, List<IvrFlowError> errors)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the stack, 2 = done
        var stack = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);

        void Visit(string id)
        {
            state[id] = 1;
            stack.Add(id);
            foreach (var target in Targets(byId[id]).Where(t => byId.TryGetValue(t, out var n) && n is not MenuNode))
            {
                if (!state.TryGetValue(target, out var s))
                {
                    Visit(target);
                }
                else if (s == 1)
                {
                    var cycle = stack[stack.IndexOf(target)..];
                    if (cycle.All(reported.Add))
                    {
                        errors.Add(new($"nodes[{target}]",
                            $"The nodes {string.Join(" → ", cycle.Append(target))} form a loop that never waits for a key; put a menu in it."));
                    }
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
        }

        foreach (var node in byId.Values.Where(n => n is not MenuNode))
        {
            if (!state.ContainsKey(node.Id))
            {
                Visit(node.Id);
            }
        }
    }
}
