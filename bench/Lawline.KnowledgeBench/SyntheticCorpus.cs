using Lawline.Server.Knowledge;

namespace Lawline.KnowledgeBench;

/// <summary>
/// Generated knowledge entries for the latency benchmark: Q&amp;As, procedures and typical cases assembled from
/// templates over the consultation vocabulary, each quoting a real article of the imported laws as its legal basis.
/// Deterministic for a given seed. The text reads like the real thing but is not legal advice.
/// </summary>
internal sealed class SyntheticCorpus(IReadOnlyList<(string Citation, string Text)> laws, int seed)
{
    private static readonly string[] People =
    [
        "职工", "农民工", "外卖骑手", "快递员", "保姆", "退休老人", "租客", "房东", "消费者", "妻子", "丈夫", "独生子女", "邻居", "业主",
        "学生家长", "个体户", "网约车司机", "建筑工人", "保安", "厨师", "销售员", "程序员", "残疾人", "孕妇", "留守老人", "返乡青年",
    ];

    private static readonly (string Issue, string Terms)[] Issues =
    [
        ("被拖欠三个月工资", "拖欠劳动报酬 工资 劳动监察 劳动仲裁"),
        ("被公司无故辞退", "解除劳动合同 经济补偿 赔偿金"),
        ("入职后一直没签劳动合同", "书面劳动合同 二倍工资 无固定期限"),
        ("长期加班没有加班费", "延长工作时间 加班工资 工作时间"),
        ("上班路上出了车祸", "工伤认定 上下班途中 交通事故"),
        ("在工地摔伤单位不管", "工伤 工伤保险 医疗费 停工留薪期"),
        ("单位不给交社保", "社会保险 养老保险 补缴 滞纳金"),
        ("试用期被随意延长", "试用期 劳动合同期限"),
        ("协议离婚后对方反悔", "离婚协议 婚姻登记 离婚冷静期"),
        ("离婚时房子怎么分", "夫妻共同财产 分割 婚前财产"),
        ("前夫不给孩子抚养费", "抚养费 子女 强制执行"),
        ("子女不赡养老人", "赡养 赡养费 成年子女"),
        ("父亲去世没留遗嘱", "法定继承 遗产 继承顺序"),
        ("遗嘱是打印的是否有效", "打印遗嘱 见证人 遗嘱效力"),
        ("朋友借钱不还", "借款合同 借条 诉讼时效 利息"),
        ("房东不退押金", "租赁合同 押金 违约"),
        ("网购买到假货", "欺诈 三倍赔偿 经营者 退货"),
        ("七天无理由退货被拒", "无理由退货 网络购物 经营者"),
        ("被邻居家的狗咬伤", "饲养动物 损害 侵权责任"),
        ("楼上漏水泡了我家", "相邻关系 排除妨碍 赔偿损失"),
        ("物业乱收停车费", "物业服务 业主 业主大会"),
        ("被丈夫打了好几次", "家庭暴力 人身安全保护令 告诫书"),
        ("在网上被人造谣", "名誉权 删除 赔礼道歉"),
        ("手术后出现医疗事故", "医疗损害 诊疗 过错"),
        ("想申请免费律师", "法律援助 经济困难 申请"),
        ("邻里纠纷想找人调解", "人民调解 调解协议 司法确认"),
        ("判决生效了对方不执行", "申请执行 强制执行 法院"),
        ("装修公司偷工减料", "承揽合同 质量 违约责任"),
        ("被人冒用身份证借贷", "个人信息 冒用 侵权"),
        ("彩礼给了婚没结成", "彩礼 婚约 返还"),
    ];

    private static readonly string[] Places =
    [
        "北京市朝阳区", "北京市海淀区", "北京市丰台区", "北京市通州区", "北京市昌平区", "北京市大兴区", "河北省保定市", "天津市滨海新区",
        "山东省临沂市", "河南省周口市", "四川省成都市", "广东省东莞市", "江苏省苏州市", "浙江省温州市", "湖南省长沙县", "安徽省阜阳市",
    ];

    private static readonly string[] Advice =
    [
        "先保存好合同、聊天记录、转账凭证等证据", "可以先与对方协商，协商不成再申请调解", "可以拨打12348咨询值班律师",
        "可以到当地公共法律服务中心窗口咨询", "注意时效期间，不要拖延", "涉及金额较大的，建议委托律师", "可以向人民法院提起诉讼",
        "可以向劳动人事争议仲裁委员会申请仲裁", "可以向所在地的法律援助机构申请法律援助", "可以向市场监督管理部门投诉",
    ];

    private static readonly string[] Outcomes =
    [
        "法院判决支持原告的诉讼请求", "仲裁委裁决用人单位支付相应款项", "经人民调解员主持调解，双方达成调解协议", "法院判决驳回原告的诉讼请求",
        "二审法院维持原判", "双方当庭和解，被告当场履行",
    ];

    private readonly Random _random = new(seed);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private (string Citation, string Text) Law() => laws[_random.Next(laws.Count)];

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max] + "……";

    public IEnumerable<KnowledgeArticle> Generate(int count, DateTimeOffset now)
    {
        for (var i = 0; i < count; i++)
        {
            var person = Pick(People);
            var (issue, terms) = Pick(Issues);
            var place = Pick(Places);
            var law1 = Law();
            var law2 = Law();
            var article = KnowledgeArticle.ImportedLaw("knowledge-bench", now);
            var months = _random.Next(1, 36);
            var amount = _random.Next(2, 300) * 100;
            switch (i % 4)
            {
                case 0 or 1:
                    article.Kind = KnowledgeKind.QAndA;
                    article.Title = $"{person}{issue}怎么办（{i}）";
                    article.Question = $"我是{place}的{person}，{months}个月前{issue}，涉及大约{amount}元，我该怎么维护自己的权益？";
                    article.Body = $"{Pick(Advice)}。{Pick(Advice)}。这类问题通常涉及{terms.Replace(' ', '、')}等。"
                        + $"根据{law1.Citation}：{Clip(law1.Text, 120)}另可参照{law2.Citation}。";
                    break;
                case 2:
                    article.Kind = KnowledgeKind.Procedure;
                    article.Title = $"{issue}的办理流程（{place}，{i}）";
                    article.Body = $"第一步：{Pick(Advice)}。第二步：{Pick(Advice)}。第三步：携带身份证和{terms.Split(' ')[0]}相关材料办理。"
                        + $"第四步：对处理结果不服的，{Pick(Advice)}。办理时限一般为{_random.Next(3, 60)}日。依据：{law1.Citation}。";
                    break;
                default:
                    article.Kind = KnowledgeKind.TypicalCase;
                    article.Title = $"{place}{person}{issue}案（典型案例{i}）";
                    article.Body = $"【基本案情】{place}的{person}王某{issue}，涉案金额{amount}元，持续{months}个月。"
                        + $"【裁判结果】{Pick(Outcomes)}。【典型意义】本案涉及{terms.Replace(' ', '、')}，{Clip(law1.Text, 100)}";
                    break;
            }
            article.LegalBasis = $"{law1.Citation}；{law2.Citation}";
            article.Tags = [.. terms.Split(' ').Take(2)];
            yield return article;
        }
    }
}
