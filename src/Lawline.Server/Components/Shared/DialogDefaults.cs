using MudBlazor;

namespace Lawline.Server.Components.Shared;

public static class DialogDefaults
{
    public static readonly DialogOptions Small = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true };
    public static readonly DialogOptions Medium = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true };
    public static readonly DialogOptions Large = new() { MaxWidth = MaxWidth.Large, FullWidth = true, CloseButton = true };
}
