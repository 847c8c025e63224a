using System.Text;
using System.Text.RegularExpressions;

namespace Lawline.Server.Knowledge;

/// <summary>One article of a law as written in the file: its number, text (paragraphs joined by newlines) and chapter path.</summary>
public sealed record LawArticleText(int Number, string Text, string ChapterPath, int Line);

/// <summary>A law file: the law's full title, the book for 民法典's files (婚姻家庭编), the promulgation lines and the articles.</summary>
public sealed record LawDocument(string FileName, string Title, string? Book, string Promulgation, IReadOnlyList<LawArticleText> Articles)
{
    public string ShortName => KnowledgeArticle.ShortLawName(Title);
}

/// <summary>A law file that does not follow the expected layout; says which file and line.</summary>
public sealed class LawFormatException(string fileName, int line, string problem)
    : Exception($"{fileName}, line {line}: {problem}")
{
    public string FileName { get; } = fileName;
    public int Line { get; } = line;
}

/// <summary>
/// Reads the Markdown laws of the shared data set: `# 中华人民共和国劳动合同法` (and for 民法典's files a second
/// `# 婚姻家庭编`), promulgation lines up to `&lt;!-- INFO END --&gt;`, headings `## 第一章 总则` (and deeper
/// `###`/`####` sections), articles starting `第X条 ` whose following paragraphs belong to them until the next article.
/// </summary>
public static partial class LawMarkdownReader
{
    public const string InfoEnd = "<!-- INFO END -->";

    [GeneratedRegex(@"^第(?<n>[零〇一二两三四五六七八九十百千]+)条(?:[\s\u3000]+(?<text>.*))?$")]
    private static partial Regex ArticleLine();

    [GeneratedRegex(@"^(?<level>#{1,6})\s+(?<text>.+?)\s*#*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[\u200B-\u200D\u2060\uFEFF]")]
    private static partial Regex Invisible();

    [GeneratedRegex(@"[\s\u3000]+")]
    private static partial Regex Spaces();

    public static LawDocument Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, Path.GetFileName(path));
    }

    public static LawDocument Read(TextReader reader, string fileName)
    {
        string? title = null;
        string? book = null;
        var promulgation = new List<string>();
        var infoDone = false;
        var headings = new List<(int Level, string Text)>();
        var articles = new List<LawArticleText>();
        var seen = new Dictionary<int, int>();
        int? number = null;
        var numberLine = 0;
        var text = new StringBuilder();
        var chapter = string.Empty;
        var lineNumber = 0;

        void Flush()
        {
            if (number is { } n)
            {
                if (text.Length == 0)
                {
                    throw new LawFormatException(fileName, numberLine, $"article {ChineseNumerals.FormatArticle(n)} has no text.");
                }
                articles.Add(new LawArticleText(n, text.ToString(), chapter, numberLine));
            }
            number = null;
            text.Clear();
        }

        while (reader.ReadLine() is { } raw)
        {
            lineNumber++;
            // Invisible characters (BOM, zero-width spaces) and bare heading marks (`##`) carry nothing.
            var line = Invisible().Replace(raw, string.Empty).Trim();
            if (line.Length == 0 || line.All(c => c == '#'))
            {
                continue;
            }
            if (title is null)
            {
                var first = Heading().Match(line);
                if (!first.Success || first.Groups["level"].Length != 1)
                {
                    throw new LawFormatException(fileName, lineNumber, $"expected the law's title as '# 中华人民共和国…', found '{Clip(line)}'.");
                }
                title = Normalize(first.Groups["text"].Value);
                continue;
            }
            if (!infoDone)
            {
                if (line == InfoEnd)
                {
                    infoDone = true;
                    continue;
                }
                var heading = Heading().Match(line);
                if (heading.Success)
                {
                    if (heading.Groups["level"].Length != 1 || book is not null)
                    {
                        throw new LawFormatException(fileName, lineNumber, $"before '{InfoEnd}' only the title and one book heading (# 婚姻家庭编) may appear, found '{Clip(line)}'.");
                    }
                    book = Normalize(heading.Groups["text"].Value);
                    continue;
                }
                if (ArticleLine().IsMatch(line))
                {
                    throw new LawFormatException(fileName, lineNumber, $"an article starts before '{InfoEnd}'; the promulgation block must end with that line.");
                }
                promulgation.Add(line);
                continue;
            }

            var h = Heading().Match(line);
            if (h.Success)
            {
                var level = h.Groups["level"].Length;
                if (level == 1)
                {
                    throw new LawFormatException(fileName, lineNumber, $"a second title '{Clip(line)}' after '{InfoEnd}'.");
                }
                Flush();
                headings.RemoveAll(x => x.Level >= level);
                headings.Add((level, Normalize(h.Groups["text"].Value)));
                chapter = string.Join(" > ", (book is null ? [] : new[] { book }).Concat(headings.Select(x => x.Text)));
                continue;
            }
            var article = ArticleLine().Match(line);
            if (article.Success)
            {
                Flush();
                var parsed = ChineseNumerals.Parse(article.Groups["n"].Value)
                    ?? throw new LawFormatException(fileName, lineNumber, $"'第{article.Groups["n"].Value}条' is not a valid article number.");
                if (seen.TryGetValue(parsed, out var earlier))
                {
                    throw new LawFormatException(fileName, lineNumber, $"article {ChineseNumerals.FormatArticle(parsed)} appears twice (first on line {earlier}).");
                }
                seen[parsed] = lineNumber;
                number = parsed;
                numberLine = lineNumber;
                text.Append(article.Groups["text"].Value.Trim());
                continue;
            }
            if (number is null)
            {
                throw new LawFormatException(fileName, lineNumber, $"text outside any article: '{Clip(line)}' (an article starts with '第X条 ').");
            }
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            text.Append(line);
        }
        Flush();

        if (title is null)
        {
            throw new LawFormatException(fileName, Math.Max(lineNumber, 1), "the file is empty; expected the law's title as '# 中华人民共和国…'.");
        }
        if (!infoDone)
        {
            throw new LawFormatException(fileName, lineNumber, $"'{InfoEnd}' is missing: it ends the promulgation lines.");
        }
        if (articles.Count == 0)
        {
            throw new LawFormatException(fileName, lineNumber, "no article (a line starting with '第X条 ') was found.");
        }
        return new LawDocument(fileName, title, book, string.Join("\n", promulgation), articles);
    }

    private static string Normalize(string text) => Spaces().Replace(text.Trim(), " ");

    private static string Clip(string line) => line.Length <= 40 ? line : line[..40] + "…";
}
