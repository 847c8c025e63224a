using Lawline.Server.Resources;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Lawline.Server.Components.Shared;

/// <summary>MudBlazor's own texts (pager, "required", close buttons...) from UiText, keys prefixed "Mud.".</summary>
internal sealed class LawlineMudLocalizer(IStringLocalizer<UiText> text) : MudLocalizer
{
    public override LocalizedString this[string key] => Find(key, []);

    public override LocalizedString this[string key, params object[] arguments] => Find(key, arguments);

    private LocalizedString Find(string key, object[] arguments)
    {
        var found = text["Mud." + key, arguments];
        // Not found: MudBlazor falls back to its built-in English.
        return found.ResourceNotFound ? new LocalizedString(key, key, resourceNotFound: true) : new LocalizedString(key, found.Value);
    }
}
