using Lawline.Server.Common;
using Lawline.Server.Knowledge;
using Lawline.Server.Sms;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.WorkOrders;

public sealed partial class WorkOrderService
{
    /// <summary>The template code of the guidance SMS for a kind of agency.</summary>
    public static string GuidanceTemplate(ReferralAgency agency) => agency switch
    {
        WorkOrders.ReferralAgency.LegalAid => "legal-aid-guidance",
        WorkOrders.ReferralAgency.Mediation => "mediation-guidance",
        _ => "referral-guidance",
    };

    /// <summary>Words in the name of a directory entry that tell its kind (法律援助中心, 人民调解委员会...).</summary>
    private static string AgencyKeyword(ReferralAgency agency) => agency switch
    {
        WorkOrders.ReferralAgency.LegalAid => "法律援助",
        WorkOrders.ReferralAgency.Mediation => "调解",
        WorkOrders.ReferralAgency.Notary => "公证",
        WorkOrders.ReferralAgency.Arbitration => "仲裁",
        WorkOrders.ReferralAgency.LaborArbitration => "劳动",
        WorkOrders.ReferralAgency.Court => "法院",
        _ => string.Empty,
    };

    private static string FallbackAgencyName(ReferralAgency agency) => agency switch
    {
        WorkOrders.ReferralAgency.LegalAid => "当地法律援助中心",
        WorkOrders.ReferralAgency.Mediation => "当地人民调解委员会",
        WorkOrders.ReferralAgency.Notary => "当地公证机构",
        WorkOrders.ReferralAgency.Arbitration => "当地仲裁委员会",
        WorkOrders.ReferralAgency.LaborArbitration => "当地劳动人事争议仲裁委员会",
        WorkOrders.ReferralAgency.Court => "当地人民法院",
        _ => "相关机构",
    };

    /// <summary>
    /// A referral (引导) sends the caller the guidance SMS with the agency's name, address and phone from the knowledge
    /// base's directory, in the same unit of work as the completion. Only a mobile number gets it; a number that opted
    /// out gets nothing. Returns whether a message was queued.
    /// </summary>
    private async Task<bool> QueueGuidanceSmsAsync(WorkOrder order, CancellationToken cancellationToken)
    {
        if (order.Outcome != WorkOrderOutcome.Referred || order.ReferralAgency is not { } kind || order.CallerPhoneE164 is not { } phone
            || !PhoneNumberFormatter.TryNormalize(phone, out var number) || !number!.IsMobile
            || await db.SmsOptOuts.AnyAsync(o => o.PhoneE164 == phone, cancellationToken))
        {
            return false;
        }
        var platform = await db.Platforms.AsNoTracking().SingleAsync(p => p.Id == order.PlatformId, cancellationToken);
        var agency = await FindAgencyAsync(order.PlatformId, kind, order.ReferralAgencyName, cancellationToken);
        var values = new Dictionary<string, string>
        {
            ["热线名称"] = platform.Name,
            ["机构名称"] = agency?.Title ?? order.ReferralAgencyName ?? FallbackAgencyName(kind),
            ["地址"] = agency?.Address is { Length: > 0 } address ? address : "请拨打本热线查询",
            ["电话"] = agency?.Phone is { Length: > 0 } agencyPhone ? agencyPhone : "12348",
            ["办公时间"] = agency?.Hours is { Length: > 0 } hours ? hours : "工作日办公时间",
        };
        var message = await outbox.EnqueueAsync(new SmsRequest(order.PlatformId, phone, SmsPurpose.Guidance, GuidanceTemplate(kind), values,
            WorkOrderId: order.Id), cancellationToken);
        return message.Status != SmsStatus.Blocked;
    }

    /// <summary>The published directory entry of that kind: the one named on the order, else the platform's own, else a shared one.</summary>
    private async Task<KnowledgeArticle?> FindAgencyAsync(int platformId, ReferralAgency kind, string? name, CancellationToken cancellationToken)
    {
        var keyword = AgencyKeyword(kind);
        var candidates = await db.KnowledgeArticles.AsNoTracking()
            .Where(a => a.Kind == KnowledgeKind.Agency && a.Status == KnowledgeStatus.Published && (a.PlatformId == platformId || a.PlatformId == null))
            .Where(a => (name != null && a.Title == name) || (keyword != string.Empty && a.Title.Contains(keyword)))
            .OrderBy(a => a.Id).Take(50).ToListAsync(cancellationToken);
        return candidates.FirstOrDefault(a => a.Title == name)
            ?? candidates.FirstOrDefault(a => a.PlatformId == platformId)
            ?? candidates.FirstOrDefault();
    }
}
