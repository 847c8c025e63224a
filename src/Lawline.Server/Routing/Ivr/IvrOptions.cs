using System.ComponentModel.DataAnnotations;

namespace Lawline.Server.Routing.Ivr;

/// <summary>IVR settings (section <c>Ivr</c>).</summary>
public sealed class IvrOptions
{
    public const string Section = "Ivr";

    /// <summary>Largest prompt upload. 8 kHz µ-law is 8 KB a second, so 4 MB is over eight minutes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxPromptBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Speak the default prompts with espeak-ng when it and sox are installed; otherwise (or when false) tones.</summary>
    public bool SpeechSynthesis { get; set; } = true;

    /// <summary>The espeak-ng program; found on PATH when not set.</summary>
    public string? EspeakPath { get; set; }

    /// <summary>The sox program; found on PATH when not set.</summary>
    public string? SoxPath { get; set; }

    /// <summary>The espeak-ng voice. cmn-latn-pinyin reads hanzi as Mandarin (plain cmn reads them with English rules).</summary>
    [Required]
    public string Voice { get; set; } = "cmn-latn-pinyin";

    /// <summary>Generate the default prompts at start-up when they are missing.</summary>
    public bool GenerateDefaultPrompts { get; set; } = true;
}
