using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Lawline.Server.Analytics.Topics;

/// <summary>
/// The terms of a work-order question for hot topics: SmartCn words of 2–4 characters that are not filler ("怎么办",
/// "请问", "可以"), and the phrases of two such words next to each other ("拖欠工资" from "拖欠" + "工资"). Each term
/// once per question, so a term's count is the number of work orders that mention it. Deterministic (the rollups of a
/// day must come out the same on every rebuild).
/// </summary>
public static class TopicTerms
{
    public const int MaxTermLength = 16;

    // One analyzer per thread: Lucene reuses token streams per thread, and Build runs on whichever thread calls it.
    private static readonly ThreadLocal<Analyzer> Analyzers = new(() => new SmartChineseAnalyzer(LuceneVersion.LUCENE_48));

    /// <summary>
    /// How callers phrase a question, not what it is about: question words, pronouns, particles, hedges, and common
    /// verbs and time words that say nothing about the problem.
    /// </summary>
    public static readonly IReadOnlySet<string> StopWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "怎么办", "怎么", "怎样", "怎么样", "什么", "如何", "为什么", "请问", "咨询", "问问", "咋办", "是否", "能否", "可否",
        "我们", "你们", "他们", "她们", "自己", "人家", "这个", "那个", "这样", "那样", "这种", "那种", "哪里", "哪儿", "这些", "那些",
        "可以", "能不能", "可不可以", "是不是", "算不算", "行不行", "有没有", "应该", "需要", "没有", "多少", "一下", "一些", "一直", "已经",
        "现在", "突然", "但是", "而且", "如果", "因为", "所以", "然后", "或者", "还是", "就是", "不是", "只是", "知道", "觉得", "希望", "想要",
        "问题", "情况", "事情", "有关", "相关", "方面", "规定", "法律", "请求", "帮助", "帮忙", "一个", "两个", "三个", "几个", "之前", "之后",
        "以后", "以前", "今天", "昨天", "明天", "今年", "去年", "时候", "时间", "怎么样才", "合法", "违法吗", "不能", "不会", "不给", "不让",
    };

    /// <summary>The distinct terms and phrases of one question.</summary>
    public static IReadOnlySet<string> Of(string? question)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(question))
        {
            return terms;
        }

        var tokens = new List<(string Word, int Start, int End)>();
        using (var stream = Analyzers.Value!.GetTokenStream("q", new StringReader(question)))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            var offset = stream.AddAttribute<IOffsetAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                tokens.Add((term.ToString(), offset.StartOffset, offset.EndOffset));
            }

            stream.End();
        }

        // SmartCn's dictionary lacks some hotline words and splits them into characters ("欠薪" → 欠 / 薪): two
        // adjacent single characters that are not particles or pronouns are read as one word.
        var words = new List<(string Word, int Start, int End)>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (i + 1 < tokens.Count && IsContentCharacter(t.Word) && IsContentCharacter(tokens[i + 1].Word) && tokens[i + 1].Start == t.End)
            {
                words.Add((t.Word + tokens[i + 1].Word, t.Start, tokens[i + 1].End));
                i++;
                continue;
            }

            words.Add(t);
        }

        string? previous = null;
        var lastEnd = -1;
        foreach (var (word, start, end) in words)
        {
            var adjacent = start == lastEnd;
            lastEnd = end;
            if (!IsTopicWord(word))
            {
                previous = null;
                continue;
            }

            terms.Add(word);
            // A phrase: two topic words with nothing between them in the question.
            if (previous is not null && adjacent && previous.Length + word.Length <= MaxTermLength)
            {
                terms.Add(previous + word);
            }

            previous = word;
        }

        return terms;
    }

    /// <summary>Single characters that never make a topic word with their neighbour.</summary>
    private static readonly HashSet<char> Particles =
    [
        '的', '了', '着', '过', '地', '得', '吗', '呢', '吧', '啊', '呀', '嘛', '哦', '我', '你', '他', '她', '它', '是', '在', '和', '与', '或', '就', '也', '都',
        '还', '又', '才', '再', '很', '太', '不', '没', '有', '要', '想', '会', '能', '把', '被', '给', '让', '跟', '对', '从', '向', '到', '说', '问', '找', '这',
        '那', '个', '些', '么', '啥', '咋', '谁', '哪', '几', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '块', '元', '月', '年', '天', '次', '时',
    ];

    private static bool IsContentCharacter(string token) => token.Length == 1 && token[0] >= '\u4e00' && token[0] <= '\u9fff' && !Particles.Contains(token[0]);

    public static bool IsTopicWord(string word)
        => word.Length is >= 2 and <= 4 && !StopWords.Contains(word) && word.All(c => char.IsLetter(c) && !char.IsAsciiLetter(c) || char.IsAsciiLetter(c))
            && !word.All(char.IsAsciiLetter);
}
