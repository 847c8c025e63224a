using System.Text.RegularExpressions;
using Lawline.Server.Knowledge;
using Lawline.Server.Tests.Infrastructure;

namespace Lawline.Server.Tests.Knowledge;

public sealed partial class LawMarkdownReaderTests
{
    [GeneratedRegex(@"^第.+?条 ", RegexOptions.Multiline)]
    private static partial Regex ArticleStart();

    public static TheoryData<string> LawFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(SharedData.Path("data", "laws"), "*.md").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LawFiles))]
    public void Every_shared_law_file_reads_with_one_record_per_article_line(string file)
    {
        var path = SharedData.Path("data", "laws", file);
        var expected = ArticleStart().Matches(File.ReadAllText(path)).Count;

        var law = LawMarkdownReader.Read(path);

        Assert.Equal(expected, law.Articles.Count);
        Assert.Matches("^(中华人民共和国.+(法|法典)|.+条例)$", law.Title);
        Assert.All(law.Articles, a => Assert.False(string.IsNullOrWhiteSpace(a.Text)));
        // Numbers rise one by one within a file (民法典's books continue the numbering of the code).
        Assert.Equal(Enumerable.Range(law.Articles[0].Number, law.Articles.Count), law.Articles.Select(a => a.Number));
    }

    [Fact]
    public void Civil_code_books_carry_the_book_and_chapter_and_keep_following_paragraphs()
    {
        var law = LawMarkdownReader.Read(SharedData.Path("data", "laws", "民法典-婚姻家庭编.md"));

        Assert.Equal("中华人民共和国民法典", law.Title);
        Assert.Equal("民法典", law.ShortName);
        Assert.Equal("婚姻家庭编", law.Book);
        var divorce = Assert.Single(law.Articles, a => a.Number == 1079);
        Assert.StartsWith("婚姻家庭编 > 第四章", divorce.ChapterPath, StringComparison.Ordinal);
        Assert.StartsWith("夫妻一方要求离婚的", divorce.Text, StringComparison.Ordinal);
        Assert.Contains("\n", divorce.Text, StringComparison.Ordinal); // several paragraphs
        Assert.Contains("经人民法院判决不准离婚后，双方又分居满一年", divorce.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_below_chapters_make_a_deeper_path()
    {
        var law = LawMarkdownReader.Read(SharedData.Path("data", "laws", "诉讼与非诉讼程序法-民事诉讼法(2023-09-01).md"));
        Assert.Contains(law.Articles, a => a.ChapterPath.Split(" > ").Length >= 2);
    }

    [Theory]
    [InlineData("第一条 没有标题。", 1, "title")]
    [InlineData("# 中华人民共和国测试法\n\n通过\n\n第一条 条文。", 5, "INFO END")]
    [InlineData("# 中华人民共和国测试法\n<!-- INFO END -->\n说明文字\n第一条 条文。", 3, "outside any article")]
    [InlineData("# 中华人民共和国测试法\n<!-- INFO END -->\n第一条 条文。\n第一条 又一条。", 4, "appears twice")]
    [InlineData("# 中华人民共和国测试法\n<!-- INFO END -->\n## 第一章 总则\n", 3, "no article")]
    [InlineData("", 1, "empty")]
    public void Malformed_files_are_refused_naming_file_and_line(string content, int line, string problem)
    {
        var error = Assert.Throws<LawFormatException>(() => LawMarkdownReader.Read(new StringReader(content), "测试法.md"));
        Assert.Equal("测试法.md", error.FileName);
        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"测试法.md, line {line}:", error.Message, StringComparison.Ordinal);
    }
}
