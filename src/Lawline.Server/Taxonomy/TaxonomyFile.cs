using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lawline.Server.Common;

namespace Lawline.Server.Taxonomy;

/// <summary>One node as files carry it. <see cref="Skill"/> is a skill code; null inherits the parent's.</summary>
public sealed record TaxonomyNode(string Code, string Name, string? ParentCode, int Level, string? Skill);

public sealed record TaxonomyDocument(string Version, string? Source, IReadOnlyList<TaxonomyNode> Nodes);

public enum TaxonomyFormat
{
    Json,
    Csv,
}

/// <summary>
/// Reads and writes taxonomy files: Lawline's own JSON and CSV (code, name, parent_code, level, skill), and
/// the court judgments website's cause-of-action tree (CSV id,parent_id,depth,name,path or JSON treeNodes),
/// whose root parent is "#". Every problem is reported with its line or node number; nothing is imported
/// from a file with problems.
/// </summary>
public static class TaxonomyFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static async Task<TaxonomyDocument> ReadAsync(Stream stream, string fileName, string? version, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var text = await reader.ReadToEndAsync(cancellationToken);
        var trimmed = text.TrimStart();
        var document = trimmed.StartsWith('{') || trimmed.StartsWith('[')
            ? ParseJson(text, fileName)
            : ParseCsv(text, fileName);
        return version is null ? document : document with { Version = version };
    }

    public static TaxonomyDocument ParseJson(string text, string fileName)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ValidationFailedException("file", $"{fileName}: not valid JSON ({e.Message}).");
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("treeNodes", out var treeNodes))
            {
                return FromWenshu(treeNodes.EnumerateArray().Select((n, i) => (
                    Line: i + 1,
                    Id: n.GetProperty("id").GetString() ?? string.Empty,
                    Parent: n.GetProperty("parentId").GetString() ?? "#",
                    Name: n.GetProperty("name").GetString() ?? string.Empty)), fileName);
            }
            var nodes = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("nodes");
            var list = new List<TaxonomyNode>();
            var errors = new Dictionary<string, string[]>();
            var index = 0;
            foreach (var n in nodes.EnumerateArray())
            {
                index++;
                var code = Str(n, "code");
                var name = Str(n, "name");
                var level = n.TryGetProperty("level", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : 0;
                if (code is null || name is null)
                {
                    errors[$"nodes[{index}]"] = ["Each node needs a code and a name."];
                    continue;
                }
                list.Add(new TaxonomyNode(code.Trim(), name.Trim(), Str(n, "parentCode")?.Trim(), level, Str(n, "skill")?.Trim()));
            }
            if (errors.Count > 0)
            {
                throw new ValidationFailedException(errors);
            }
            var version = root.ValueKind == JsonValueKind.Object ? Str(root, "version") : null;
            var source = root.ValueKind == JsonValueKind.Object ? Str(root, "source") : null;
            return new TaxonomyDocument(version ?? Path.GetFileNameWithoutExtension(fileName), source, list);
        }
    }

    public static TaxonomyDocument ParseCsv(string text, string fileName)
    {
        var rows = Csv.Read(text).ToList();
        if (rows.Count == 0)
        {
            throw new ValidationFailedException("file", $"{fileName}: the file is empty.");
        }
        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(string name) => header.IndexOf(name);
        if (Col("id") >= 0 && Col("parent_id") >= 0 && Col("name") >= 0)
        {
            return FromWenshu(rows.Skip(1).Select(r => (
                r.Line,
                Id: Field(r.Fields, Col("id")),
                Parent: Field(r.Fields, Col("parent_id")),
                Name: Field(r.Fields, Col("name")))), fileName);
        }
        if (Col("code") < 0 || Col("name") < 0)
        {
            throw new ValidationFailedException("file",
                $"{fileName}: the header must be code,name,parent_code,level,skill (or the id,parent_id,depth,name,path cause-of-action format).");
        }
        var nodes = new List<TaxonomyNode>();
        var errors = new Dictionary<string, string[]>();
        foreach (var row in rows.Skip(1))
        {
            var levelText = Field(row.Fields, Col("level"));
            var level = 0;
            if (levelText.Length > 0 && !int.TryParse(levelText, out level))
            {
                errors[$"line {row.Line}"] = [$"Level '{levelText}' is not a number."];
                continue;
            }
            var parent = Field(row.Fields, Col("parent_code"));
            var skill = Field(row.Fields, Col("skill"));
            nodes.Add(new TaxonomyNode(Field(row.Fields, Col("code")), Field(row.Fields, Col("name")),
                parent.Length == 0 ? null : parent, level, skill.Length == 0 ? null : skill));
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        return new TaxonomyDocument(Path.GetFileNameWithoutExtension(fileName), null, nodes);
    }

    public static string WriteJson(TaxonomyDocument document) => JsonSerializer.Serialize(new
    {
        version = document.Version,
        source = document.Source,
        nodes = document.Nodes.Select(n => new { code = n.Code, name = n.Name, parentCode = n.ParentCode, level = n.Level, skill = n.Skill }),
    }, Json);

    public static string WriteCsv(TaxonomyDocument document)
    {
        var text = new StringBuilder("code,name,parent_code,level,skill\n");
        foreach (var n in document.Nodes)
        {
            text.Append(Csv.Quote(n.Code)).Append(',').Append(Csv.Quote(n.Name)).Append(',')
                .Append(Csv.Quote(n.ParentCode ?? string.Empty)).Append(',')
                .Append(n.Level.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',')
                .Append(Csv.Quote(n.Skill ?? string.Empty)).Append('\n');
        }
        return text.ToString();
    }

    // The cause-of-action tree: ids like 001 / 001001, parent "#" for roots; depth follows from the parents.
    private static TaxonomyDocument FromWenshu(IEnumerable<(int Line, string Id, string Parent, string Name)> rows, string fileName)
    {
        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = new List<TaxonomyNode>();
        var errors = new Dictionary<string, string[]>();
        foreach (var (line, id, parent, name) in rows)
        {
            var parentCode = parent is "#" or "" ? null : parent;
            var level = parentCode is null ? 1 : levels.GetValueOrDefault(parentCode) + 1;
            if (parentCode is not null && !levels.ContainsKey(parentCode))
            {
                errors[$"line {line}"] = [$"Parent '{parentCode}' of '{id}' is not defined before it."];
                continue;
            }
            levels[id] = level;
            nodes.Add(new TaxonomyNode(id.Trim(), name.Trim(), parentCode, level, null));
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        return new TaxonomyDocument(Path.GetFileNameWithoutExtension(fileName), "裁判文书网案由树", nodes);
    }

    private static string? Str(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Field(IReadOnlyList<string> fields, int index)
        => index >= 0 && index < fields.Count ? fields[index].Trim() : string.Empty;
}

/// <summary>RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.</summary>
public static class Csv
{
    public sealed record Row(int Line, IReadOnlyList<string> Fields);

    public static IEnumerable<Row> Read(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var line = 1;
        var rowStart = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inQuotes = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    if (fields.Count > 1 || fields[0].Length > 0)
                    {
                        yield return new Row(rowStart, fields);
                    }
                    fields = [];
                    line++;
                    rowStart = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return new Row(rowStart, fields);
        }
    }

    public static string Quote(string value)
        => value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
