using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lawline.Server.Callers;
using Lawline.Server.Components.Shared;
using Lawline.Server.Resources;
using Microsoft.Extensions.Localization;

namespace Lawline.Server.WorkOrders.Pages;

/// <summary>One changed field of a work order's history line, in the reader's language.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>
/// How the pages write a work order's history: the service records notes and field changes for the API
/// (English notes, enum names in JSON); this turns them into the reader's language.
/// </summary>
public static partial class WorkOrderText
{
    private static readonly Dictionary<string, string> FieldLabels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["type"] = "WorkOrder.Type", ["channel"] = "WorkOrder.Channel", ["urgency"] = "WorkOrder.Urgency",
        ["callerName"] = "WorkOrder.CallerName", ["callerType"] = "WorkOrder.CallerType", ["categoryCode"] = "WorkOrder.Category",
        ["question"] = "WorkOrder.Question", ["answer"] = "WorkOrder.Answer", ["legalBasis"] = "WorkOrder.LegalBasis",
        ["agentId"] = "WorkOrder.Agent", ["seatId"] = "WorkOrder.Seat", ["tags"] = "WorkOrder.Tags",
    };

    /// <summary>The note of a history line; notes the service writes in English are translated, people's own text is kept.</summary>
    public static string? Note(WorkOrderEventDto e, IStringLocalizer<UiText> text)
    {
        if (string.IsNullOrWhiteSpace(e.Note))
        {
            return null;
        }
        var note = e.Note.Trim();
        if (OutcomeNote().Match(note) is { Success: true } outcome && Enum.TryParse<WorkOrderOutcome>(outcome.Groups[1].Value, out var value))
        {
            return text["History.Outcome", text.Enum(value)];
        }
        if (HandOverNote().Match(note) is { Success: true } handOver)
        {
            var deadline = DateTimeOffset.TryParseExact(handOver.Groups[2].Value, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var utc) ? UiFormat.Minutes(utc) : handOver.Groups[2].Value;
            return text["History.HandedOver", handOver.Groups[1].Value, deadline];
        }
        return note switch
        {
            "feedback recorded" => text["History.FeedbackRecorded"],
            "expert's answer recorded" => text["History.ExpertAnswerRecorded"],
            _ => note,
        };
    }

    /// <summary>The fields an edit changed, with their values before and after.</summary>
    public static IReadOnlyList<FieldChange> Changes(string? json, IStringLocalizer<UiText> text)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            var changes = new List<FieldChange>();
            foreach (var field in document.RootElement.EnumerateObject())
            {
                var label = FieldLabels.TryGetValue(field.Name, out var key) ? text[key].Value : field.Name;
                changes.Add(new FieldChange(label, Value(field.Name, field.Value, "before", text), Value(field.Name, field.Value, "after", text)));
            }
            return changes;
        }
        catch (JsonException)
        {
            return [new FieldChange(string.Empty, null, json)];
        }
    }

    private static string? Value(string field, JsonElement change, string side, IStringLocalizer<UiText> text)
    {
        if (!change.TryGetProperty(side, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var raw = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        if (raw is null)
        {
            return null;
        }
        return field.ToLowerInvariant() switch
        {
            "type" when Enum.TryParse<WorkOrderType>(raw, out var type) => text.Enum(type),
            "channel" when Enum.TryParse<WorkOrderChannel>(raw, out var channel) => text.Enum(channel),
            "urgency" when Enum.TryParse<WorkOrderUrgency>(raw, out var urgency) => text.Enum(urgency),
            "callertype" when Enum.TryParse<CallerType>(raw, out var callerType) => text.Enum(callerType),
            _ => raw,
        };
    }

    /// <summary>"12.3 KB", "4.5 MB".</summary>
    public static string FileSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    [GeneratedRegex("^outcome: (\\w+)$")]
    private static partial Regex OutcomeNote();

    [GeneratedRegex("^handed over to (.+), deadline (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d) UTC$")]
    private static partial Regex HandOverNote();
}
