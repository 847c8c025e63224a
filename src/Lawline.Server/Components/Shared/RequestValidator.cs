using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Lawline.Server.Resources;
using Microsoft.Extensions.Localization;

namespace Lawline.Server.Components.Shared;

/// <summary>
/// Checks a request record against the data annotations the HTTP API validates (the services trust their
/// callers on these), so a form shows "required" or "too long" beside the field before anything is sent.
/// </summary>
public static class RequestValidator
{
    public static bool Validate(object request, FormErrors errors, IStringLocalizer<UiText> text)
    {
        foreach (var property in request.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(request);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>(inherit: true))
            {
                // Optional values are only checked when given; [Required] covers the rest.
                if (attribute is not RequiredAttribute && (value is null || value is string { Length: 0 }))
                {
                    continue;
                }
                if (!attribute.IsValid(value))
                {
                    errors.Add(property.Name, Message(attribute, value, text));
                    break;
                }
            }
        }
        return !errors.Any;
    }

    private static string Message(ValidationAttribute attribute, object? value, IStringLocalizer<UiText> text) => attribute switch
    {
        RequiredAttribute when value is IEnumerable and not string => text["Validation.ChooseOne"],
        RequiredAttribute => text["Validation.Required"],
        MaxLengthAttribute max => text["Validation.MaxLength", max.Length],
        MinLengthAttribute min when value is IEnumerable and not string => text["Validation.ChooseAtLeast", min.Length],
        MinLengthAttribute min => text["Validation.MinLength", min.Length],
        RegularExpressionAttribute regex when regex.ErrorMessage is { } message => ServerMessages.Translate(message, text),
        RangeAttribute range => text["Validation.Range", range.Minimum, range.Maximum],
        _ => text["Validation.Invalid"],
    };
}
