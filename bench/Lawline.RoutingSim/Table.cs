using System.Text;

namespace Lawline.RoutingSim;

/// <summary>A table printed either as aligned text for the terminal or as Markdown to paste into a README.</summary>
internal sealed class Table(params string[] header)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Columns after the first are right-aligned numbers unless listed here.</summary>
    public HashSet<int> LeftAligned { get; } = [0];

    public void Add(params string[] cells) => _rows.Add(cells);

    public string Render(bool markdown)
    {
        var widths = header.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        if (markdown)
        {
            text.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
            text.Append('|').AppendJoin('|', header.Select((_, i) => LeftAligned.Contains(i) ? "---" : "---:")).AppendLine("|");
            foreach (var row in _rows)
            {
                text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
            }

            return text.ToString();
        }

        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => LeftAligned.Contains(i) ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        text.AppendLine(Line(header));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            text.AppendLine(Line(row));
        }

        return text.ToString();
    }
}
