using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Lawline.Server.Common;

/// <summary>
/// Writes one table as an .xlsx workbook (Open XML SDK): a bold header row, frozen, with column widths
/// that fit Chinese text. Cells are strings, numbers, booleans or dates (written as given: convert to the
/// platform's local time first); dates use a yyyy-mm-dd hh:mm format.
/// </summary>
public static class XlsxWriter
{
    public static void Write(Stream output, string sheetName, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows)
        => WriteSheets(output, [(sheetName, headers, rows)]);

    /// <summary>Several tables, one sheet each (in the given order; names cut to Excel's 31 characters).</summary>
    public static void WriteSheets(Stream output, IEnumerable<(string Name, IReadOnlyList<string> Headers, IEnumerable<IReadOnlyList<object?>> Rows)> tables)
    {
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();
        var sheets = workbook.Workbook.AppendChild(new Sheets());
        uint sheetId = 1;
        foreach (var (sheetName, headers, rows) in tables)
        {
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            var widths = headers.Select(h => Width(h)).ToArray();
            data.Append(Row(1, headers.Cast<object?>().ToList(), header: true, widths));
            uint index = 2;
            foreach (var row in rows)
            {
                data.Append(Row(index++, row, header: false, widths));
            }
            var columns = new Columns(widths.Select((w, i) => new Column
            {
                Min = (uint)(i + 1), Max = (uint)(i + 1), Width = Math.Min(60, w + 2), CustomWidth = true,
            }));
            var frozen = new SheetViews(new SheetView(new Pane
            {
                VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen,
            }) { WorkbookViewId = 0 });
            sheetPart.Worksheet = new Worksheet(frozen, columns, data);
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = sheetId++, Name = sheetName.Length > 31 ? sheetName[..31] : sheetName });
        }
        workbook.Workbook.Save();
    }

    private static Row Row(uint index, IReadOnlyList<object?> values, bool header, double[] widths)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < values.Count; i++)
        {
            var reference = ColumnName(i) + index.ToString(CultureInfo.InvariantCulture);
            var value = values[i];
            Cell cell = value switch
            {
                null => new Cell { CellReference = reference },
                int or long or double or decimal => new Cell
                {
                    CellReference = reference, DataType = CellValues.Number,
                    CellValue = new CellValue(Convert.ToString(value, CultureInfo.InvariantCulture)!),
                },
                DateTime d => new Cell
                {
                    CellReference = reference, StyleIndex = 2,
                    CellValue = new CellValue(d.ToOADate().ToString(CultureInfo.InvariantCulture)),
                },
                DateTimeOffset d => new Cell
                {
                    CellReference = reference, StyleIndex = 2,
                    CellValue = new CellValue(d.DateTime.ToOADate().ToString(CultureInfo.InvariantCulture)),
                },
                bool b => new Cell { CellReference = reference, DataType = CellValues.Boolean, CellValue = new CellValue(b ? "1" : "0") },
                _ => new Cell
                {
                    CellReference = reference, DataType = CellValues.InlineString,
                    InlineString = new InlineString(new Text(value.ToString() ?? string.Empty) { Space = SpaceProcessingModeValues.Preserve }),
                },
            };
            if (header)
            {
                cell.StyleIndex = 1;
            }
            if (i < widths.Length)
            {
                widths[i] = Math.Max(widths[i], value is DateTimeOffset or DateTime ? 16 : Width(value?.ToString()));
            }
            row.Append(cell);
        }
        return row;
    }

    // Han characters are about twice as wide as Latin ones in Excel's width unit.
    private static double Width(string? text) => text is null ? 4 : text.Sum(c => c > 0x2E80 ? 2.0 : 1.1);

    internal static string ColumnName(int index)
    {
        var name = string.Empty;
        for (index++; index > 0; index = (index - 1) / 26)
        {
            name = (char)('A' + ((index - 1) % 26)) + name;
        }
        return name;
    }

    // Schema order matters: number formats, fonts, fills, borders, cell formats.
    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd hh:mm" }) { Count = 1 },
        new Fonts(new Font(), new Font(new Bold())),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(new Border()),
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }));
}
