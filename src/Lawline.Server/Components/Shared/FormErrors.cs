using System.Text.Json;
using Lawline.Server.Common;
using Lawline.Server.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Lawline.Server.Components.Shared;

/// <summary>
/// The messages a form shows beside its fields, keyed like the server's field errors (camelCase request
/// property names). Filled by <see cref="RequestValidator"/> before a save and by <see cref="Capture"/>
/// from the exceptions a service throws; the form keeps what was typed either way.
/// </summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.OrdinalIgnoreCase);

    public bool Any => _byField.Count > 0;

    public bool Has(string field) => _byField.ContainsKey(field);

    /// <summary>The field's messages as one line, or null: bind to a MudBlazor input's ErrorText.</summary>
    public string? this[string field] => _byField.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public void Add(string field, string message)
    {
        var key = JsonNamingPolicy.CamelCase.ConvertName(field);
        if (!_byField.TryGetValue(key, out var messages))
        {
            _byField[key] = messages = [];
        }
        if (!messages.Contains(message))
        {
            messages.Add(message);
        }
    }

    public void Clear() => _byField.Clear();

    public void Remove(string field) => _byField.Remove(field);

    /// <summary>Messages for fields the form does not show (or for no field), to show above the form.</summary>
    public IEnumerable<string> Except(IReadOnlyCollection<string> shownFields)
        => _byField.Where(e => !shownFields.Contains(e.Key, StringComparer.OrdinalIgnoreCase)).SelectMany(e => e.Value);

    /// <summary>
    /// Turns what a service threw into messages beside the fields. Returns false for exceptions that are
    /// not the user's to fix, which the caller lets propagate.
    /// </summary>
    public bool Capture(Exception exception, IStringLocalizer<UiText> text)
    {
        switch (exception)
        {
            case ValidationFailedException validation:
                foreach (var (field, messages) in validation.Errors)
                {
                    foreach (var message in messages)
                    {
                        Add(field, ServerMessages.Translate(message, text));
                    }
                }
                return true;
            case DomainException domain:
                Add(domain.Field ?? string.Empty, ServerMessages.Translate(domain.Message, text));
                return true;
            case NotFoundException notFound:
                Add(string.Empty, text["Errors.NotFound", text[$"Entity.{notFound.Entity}"]]);
                return true;
            case DbUpdateConcurrencyException:
                Add(string.Empty, text["Errors.Concurrency"]);
                return true;
            case DbUpdateException:
                // A unique index caught what the service's own checks missed (two people saving at once).
                Add(string.Empty, text["Errors.SaveConflict"]);
                return true;
            default:
                return false;
        }
    }
}
