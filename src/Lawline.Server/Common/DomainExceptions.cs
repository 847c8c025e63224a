namespace Lawline.Server.Common;

/// <summary>A rule of the domain was broken (an illegal transition, a duplicate code...). Maps to 400 or 409.</summary>
public class DomainException(string message, string? field = null) : Exception(message)
{
    /// <summary>The input field the rule concerns, when there is one, so the UI can show the message beside it.</summary>
    public string? Field { get; } = field;
}

/// <summary>A record with the same natural key already exists. Maps to 409 Conflict.</summary>
public sealed class ConflictException(string message, string? field = null) : DomainException(message, field);

/// <summary>
/// The record does not exist, or the caller's platform scope does not let them see it. Maps to 404. A
/// <paramref name="message"/> says more than "not found" when the person can act on it (link an account, add a phone).
/// </summary>
public sealed class NotFoundException(string entity, object key, string? message = null) : Exception(message ?? $"{entity} '{key}' was not found.")
{
    public string Entity { get; } = entity;
}

/// <summary>Input failed validation; one or more messages per field. Maps to 400 with field errors.</summary>
public sealed class ValidationFailedException(IDictionary<string, string[]> errors)
    : Exception("One or more fields are invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public ValidationFailedException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }
}
