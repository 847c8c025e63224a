using MudBlazor;

namespace Lawline.Server.Components.Layout;

/// <summary>The house look: a sober government blue, Chinese fonts first.</summary>
public static class LawlineTheme
{
    private static readonly string[] Fonts =
        ["\"PingFang SC\"", "\"Microsoft YaHei\"", "\"Noto Sans CJK SC\"", "\"Source Han Sans SC\"", "\"WenQuanYi Micro Hei\"", "\"Helvetica Neue\"", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1d4f91",
            Secondary = "#b8322a",
            Tertiary = "#2e7d6b",
            AppbarBackground = "#1d4f91",
            Background = "#f4f6f9",
            DrawerBackground = "#ffffff",
            DrawerText = "rgba(0,0,0,0.78)",
            TableLines = "#e6e9ef",
            TableStriped = "#f8f9fb",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H4 = new H4Typography { FontFamily = Fonts, FontSize = "1.75rem", FontWeight = "500" },
            H5 = new H5Typography { FontFamily = Fonts, FontSize = "1.375rem", FontWeight = "500" },
            H6 = new H6Typography { FontFamily = Fonts, FontSize = "1.125rem", FontWeight = "500" },
            Button = new ButtonTypography { FontFamily = Fonts, TextTransform = "none", FontWeight = "500" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px", DrawerWidthLeft = "232px" },
    };
}
