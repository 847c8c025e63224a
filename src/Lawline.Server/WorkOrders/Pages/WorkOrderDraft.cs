using System.Text.Json;
using System.Text.Json.Serialization;
using Lawline.Server.Callers;
using Microsoft.JSInterop;

namespace Lawline.Server.WorkOrders.Pages;

/// <summary>
/// What the registration form holds. It is kept in the browser's localStorage as the agent types, so a
/// reload or a lost connection in the middle of a call does not lose the consultation; it is removed
/// once the work order is saved.
/// </summary>
public sealed class WorkOrderDraft
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public int? PlatformId { get; set; }
    public WorkOrderChannel Channel { get; set; } = WorkOrderChannel.Phone;
    public WorkOrderType Type { get; set; } = WorkOrderType.Consultation;
    public WorkOrderUrgency Urgency { get; set; } = WorkOrderUrgency.Normal;
    public string? CallerPhone { get; set; }
    public string? CallerName { get; set; }
    public CallerType CallerType { get; set; }
    public string? CategoryCode { get; set; }
    public string? Question { get; set; }
    public string? Answer { get; set; }
    public string? LegalBasis { get; set; }
    public string? Tags { get; set; }
    public ReferralAgency? ReferralAgency { get; set; }
    public string? ReferralAgencyName { get; set; }
    public bool GuidanceSmsSent { get; set; }

    /// <summary>Nothing a person typed (the defaults alone are not worth restoring).</summary>
    [JsonIgnore]
    public bool IsEmpty => string.IsNullOrWhiteSpace(CallerPhone) && string.IsNullOrWhiteSpace(CallerName)
        && string.IsNullOrWhiteSpace(CategoryCode) && string.IsNullOrWhiteSpace(Question) && string.IsNullOrWhiteSpace(Answer)
        && string.IsNullOrWhiteSpace(LegalBasis) && string.IsNullOrWhiteSpace(Tags) && string.IsNullOrWhiteSpace(ReferralAgencyName);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static WorkOrderDraft? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<WorkOrderDraft>(json, Json);
        }
        catch (JsonException)
        {
            // A draft from an older form, or edited by hand: start afresh rather than fail.
            return null;
        }
    }

    /// <summary>Tags typed as one line, separated by commas, 、 or spaces.</summary>
    public static IReadOnlyList<string> SplitTags(string? text)
        => string.IsNullOrWhiteSpace(text)
            ? []
            : [.. text.Split([',', '，', '、', ';', '；', ' ', '\u3000'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];

    public CreateWorkOrderRequest ToRequest(WorkOrderOutcome? completeWith) => new(
        PlatformId ?? 0,
        Type,
        Channel,
        Urgency,
        Clean(CallerPhone),
        Clean(CallerName),
        CallerType,
        Clean(CategoryCode),
        Question?.Trim() ?? string.Empty,
        Clean(Answer),
        Clean(LegalBasis),
        null,
        null,
        SplitTags(Tags),
        completeWith,
        completeWith == WorkOrderOutcome.Referred ? ReferralAgency : null,
        completeWith == WorkOrderOutcome.Referred ? Clean(ReferralAgencyName) : null,
        completeWith == WorkOrderOutcome.Referred && GuidanceSmsSent);

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>The browser's localStorage, one draft per signed-in user.</summary>
public sealed class DraftStorage(IJSRuntime js, string key)
{
    public async Task<string?> ReadAsync()
    {
        try
        {
            return await js.InvokeAsync<string?>("localStorage.getItem", key);
        }
        catch (JSException)
        {
            // Storage switched off (private mode, policy): the form works without drafts.
            return null;
        }
    }

    public async Task WriteAsync(string json)
    {
        try
        {
            await js.InvokeVoidAsync("localStorage.setItem", key, json);
        }
        catch (JSException)
        {
            // Full or switched off: the draft is a convenience, never a reason to fail.
        }
        catch (JSDisconnectedException)
        {
            // The tab is gone; the last draft written stays.
        }
    }

    public async Task RemoveAsync()
    {
        try
        {
            await js.InvokeVoidAsync("localStorage.removeItem", key);
        }
        catch (JSException)
        {
            // Nothing to remove.
        }
        catch (JSDisconnectedException)
        {
            // The tab is gone.
        }
    }
}
