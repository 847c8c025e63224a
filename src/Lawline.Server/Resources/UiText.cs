using System.Resources;

[assembly: NeutralResourcesLanguage("zh-CN")]

namespace Lawline.Server.Resources;

/// <summary>
/// The UI's strings: UiText.resx holds the Chinese (default) text, UiText.en.resx the English. Components get
/// them through <c>IStringLocalizer&lt;UiText&gt;</c>, which follows the request's UI culture.
/// </summary>
public sealed class UiText;
