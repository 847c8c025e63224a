using System.Text.RegularExpressions;
using Lawline.Server.Agents;
using Lawline.Server.Resources;
using Microsoft.Extensions.Localization;

namespace Lawline.Server.Components.Shared;

/// <summary>
/// The services and ASP.NET Core Identity word their errors in English for the HTTP API. The UI shows them
/// in the reader's language: each known message is matched here and rewritten from UiText, with the values
/// it quoted carried over. A message nobody has catalogued yet is shown as it came.
/// </summary>
public static partial class ServerMessages
{
    private sealed record Rule(Regex Pattern, string Key);

    private static readonly Rule[] Catalogue =
    [
        new(Exact("The platform does not exist or is outside your scope."), "Server.PlatformOutOfScope"),
        new(Exact("The parent platform does not exist or is outside your scope."), "Server.ParentOutOfScope"),
        new(Exact("The law firm does not exist or is outside your scope."), "Server.LawFirmOutOfScope"),
        new(Exact("A duty lawyer belongs to a law firm."), "Server.DutyLawyerNeedsFirm"),
        new(Exact("A duty lawyer needs a practising licence number."), "Server.DutyLawyerNeedsLicence"),
        new(Exact("The seat does not exist on this platform."), "Server.SeatNotOnPlatform"),
        new(Exact("Another agent already has this licence number."), "Server.LicenceTaken"),
        new(Exact("One or more skills do not exist."), "Server.UnknownSkills"),
        new(Pattern("^'(.*)' is not a valid phone number\\.$"), "Server.InvalidPhone"),
        new(Exact("A remote seat takes calls on the lawyer's mobile: enter the mobile number."), "Server.RemoteSeatNeedsMobile"),
        new(Exact("A skill level is 1, 2 or 3."), "Server.SkillLevel"),
        new(Exact("Each skill can be listed once."), "Server.SkillTwice"),
        new(Pattern("^Only an admitted agent can be suspended; this one is (\\w+)\\.$"), "Server.OnlyAdmittedSuspended"),
        new(Pattern("^Only a suspended agent can be reinstated; this one is (\\w+)\\.$"), "Server.OnlySuspendedReinstated"),
        new(Exact("The agent has already exited."), "Server.AlreadyExited"),
        new(Exact("A reason is required."), "Server.ReasonRequired"),
        new(Exact("A platform code is 1–32 letters, digits or '-'."), "Server.PlatformCode"),
        new(Exact("A district (basic court) platform cannot have sub-platforms."), "Server.DistrictNoChildren"),
        new(Pattern("^A platform with code '(.*)' already exists\\.$"), "Server.PlatformCodeTaken"),
        new(Exact("A sub-platform has the same kind (12348 or 12368) as its parent."), "Server.SubPlatformKind"),
        new(Exact("Choose the parent platform; only a system administrator creates top-level platforms."), "Server.ChooseParent"),
        new(Pattern("^(\\w+): closing time (\\d\\d:\\d\\d) must be after opening time (\\d\\d:\\d\\d)\\.$"), "Server.SpanOrder"),
        new(Exact("A platform that is not open 7×24 needs at least one opening span."), "Server.NeedsSpan"),
        new(Pattern("^The platform already has a seat '(.*)'\\.$"), "Server.SeatCodeTaken"),
        new(Pattern("^A skill with code '(.*)' already exists\\.$"), "Server.SkillCodeTaken"),
        new(Pattern("^A skill named '(.*)' already exists\\.$"), "Server.SkillNameTaken"),
        new(Pattern("^The law firm '(.*)' is already registered on this platform\\.$"), "Server.LawFirmTaken"),
        new(Pattern("^The user name '(.*)' is taken\\.$"), "Server.UserNameTaken"),
        new(Exact("You cannot deactivate yourself or remove your own administrator role."), "Server.NotYourself"),
        new(Pattern("^Unknown role\\(s\\): (.*)\\.$"), "Server.UnknownRoles"),
        new(Exact("Only an administrator can grant the administrator role."), "Server.OnlyAdminGrantsAdmin"),
        new(Exact("Choose the platform the user belongs to."), "Server.ChooseUserPlatform"),
        new(Exact("The agent does not exist on the user's platform."), "Server.AgentNotOnPlatform"),
        new(Exact("Use letters, digits and . _ @ - only."), "Server.UserNameChars"),
        new(Exact("Use letters, digits and '-' only."), "Server.CodeChars"),
        new(Exact("Use letters, digits, '_' and '-' only."), "Server.SkillCodeChars"),
        new(Exact("A lawyer's licence number has 17 digits."), "Server.LicenceFormat"),
        new(Exact("A unified social credit code is 18 digits or capital letters."), "Server.CreditCodeFormat"),
        // Telephony.
        new(Pattern("^The extension '(.*)' is taken\\.$"), "Server.SipExtensionTaken"),
        new(Exact(Telephony.SipAccountService.UsernameRule), "Server.SipExtensionRule"),
        new(Exact("The agent does not exist on this platform."), "Server.SipAgentNotOnPlatform"),
        // Work orders.
        new(Exact("A phone consultation needs the caller's number."), "Server.WorkOrderPhoneRequired"),
        new(Pattern("^Unknown category '(.*)'\\.$"), "Server.UnknownCategory"),
        new(Pattern("^Category '(.*)' is retired; use (.*)\\.$"), "Server.CategoryRetiredUse"),
        new(Pattern("^Category '(.*)' is retired\\.$"), "Server.CategoryRetired"),
        new(Exact("The agent does not exist or is outside your scope."), "Server.AgentOutOfScope"),
        new(Exact("Only a signed-in person can register a work order (first responsibility needs an owner)."), "Server.WorkOrderNeedsOwner"),
        new(Pattern("^Cannot (start handling|hand over|record the receipt|record feedback|escalate|complete|close|reopen): work order (\\S+) is (\\w+)\\.$"),
            "Server.WorkOrderIllegal"),
        new(Exact("Name the body the order is handed over to."), "Server.HandOverBodyRequired"),
        new(Exact("The hand-over deadline must be in the future."), "Server.HandOverDeadlineFuture"),
        new(Exact("Give the hand-over deadline."), "Server.HandOverDeadlineRequired"),
        new(Exact("Write down the feedback received."), "Server.FeedbackRequired"),
        new(Exact("Only an open order escalated to an expert can take the expert's answer."), "Server.ExpertAnswerNotEscalated"),
        new(Exact("Write down the expert's answer."), "Server.ExpertAnswerRequired"),
        new(Exact("Choose a consultation category before completing."), "Server.WorkOrderCategoryRequired"),
        new(Exact("Write down the question."), "Server.WorkOrderQuestionRequired"),
        new(Exact("Write down the answer given."), "Server.WorkOrderAnswerRequired"),
        new(Exact("Choose the agency the caller was referred to."), "Server.WorkOrderAgencyRequired"),
        new(Exact("Name where the call was transferred (e.g. 12345, 110)."), "Server.WorkOrderTransferTargetRequired"),
        new(Exact("An escalated order completes once the expert's answer is recorded."), "Server.WorkOrderEscalatedNeedsAnswer"),
        new(Exact("A handed-over order completes when the feedback is recorded."), "Server.WorkOrderHandedOverCompletes"),
        new(Exact("Choose the outcome."), "Server.WorkOrderOutcomeRequired"),
        new(Exact("Give the reason for reopening."), "Server.ReopenReasonRequired"),
        new(Exact("Choose an admitted expert or duty leader."), "Server.ExpertRequired"),
        new(Pattern("^Work order (\\S+) was changed by someone else \\(version (\\d+), yours (\\d+)\\)\\. Reload it; your changes were not saved\\.$"),
            "Server.WorkOrderChanged"),
        new(Pattern("^Work order (\\S+) is closed; reopen it to make changes\\.$"), "Server.WorkOrderClosed"),
        new(Exact("The file is empty."), "Server.FileEmpty"),
        new(Pattern("^The file is ([\\d.]+) MB; the limit is (\\d+) MB\\.$"), "Server.FileTooLarge"),
        new(Exact("The file needs a name of at most 200 characters."), "Server.FileName"),
        new(Exact("Give the whole number or at least its last four digits."), "Server.PhoneFragment"),
        new(Pattern("^Unknown action '(.*)'\\.$"), "Server.UnknownAction"),
        // Callbacks.
        new(Exact(Routing.CallbackService.CancelReasonRequired), "Server.CallbackCancelReason"),
        new(Pattern("^Callback (\\d+) is already (\\w+)\\.$"), "Server.CallbackClosed"),
        new(Exact(Routing.CallbackService.ReopenReasonRequired), "Server.CallbackReopenReason"),
        new(Exact(Routing.CallbackService.LowRatingNeedsOutcome), "Server.CallbackLowRatingOutcome"),
        new(Pattern("^Unreachable needs (\\d+) failed call attempts; this callback has (\\d+)\\.$"), "Server.CallbackUnreachableAttempts"),
        new(Exact("Say whether the caller was satisfied after the callback."), "Server.CallbackSatisfiedRequired"),
        new(Exact("Describe the complaint."), "Server.CallbackComplaintNote"),
        new(Pattern("^Your phone \\((.*)\\) is not online: register it, then call back\\.$"), "Server.CallbackPhoneOffline"),
        new(Exact("You have no phone account to call from: link your user to an agent with a phone account."), "Server.CallbackNoPhone"),
        new(Exact("A call for this callback is already in progress."), "Server.CallbackInProgress"),
        new(Exact("A call for this callback is in progress; record the outcome when it ends."), "Server.CallbackInProgressOutcome"),
        new(Exact("Calls cannot be placed now: telephony or the outbound trunk is not available."), "Server.CallbackNoTelephony"),
        new(Exact("Choose the outcome: Explained, ReAnswered, ComplaintRegistered or Unreachable."), "Server.CallbackChooseOutcome"),
        new(Pattern("^Only a done callback can be reopened; callback (\\d+) is (\\w+)\\.$"), "Server.CallbackOnlyDoneReopen"),
        new(Pattern("^The deadline is 0 to (\\d+) working days\\.$"), "Server.CallbackRuleDeadline"),
        new(Pattern("^The attempts before \"unreachable\" are 1 to (\\d+)\\.$"), "Server.CallbackRuleAttempts"),
        // Taxonomy files and retirement.
        new(Exact("The file has no categories."), "Server.TaxonomyEmpty"),
        new(Pattern("^Code '(.*)' must be 1–40 characters without spaces\\.$"), "Server.TaxonomyCode"),
        new(Pattern("^Code '(.*)' appears twice\\.$"), "Server.TaxonomyCodeTwice"),
        new(Pattern("^'(.*)': a name is 1–100 characters\\.$"), "Server.TaxonomyName"),
        new(Pattern("^'(.*)': parent '(.*)' must appear before it in the file\\.$"), "Server.TaxonomyParentOrder"),
        new(Pattern("^'(.*)': level (\\d+) does not match its place in the tree \\(level (\\d+)\\)\\.$"), "Server.TaxonomyLevel"),
        new(Pattern("^'(.*)': the taxonomy has at most (\\d+) levels\\.$"), "Server.TaxonomyDepth"),
        new(Pattern("^'(.*)': unknown skill '(.*)'\\.$"), "Server.TaxonomySkill"),
        new(Pattern("^(.*): not valid JSON \\((.*)\\)\\.$"), "Server.TaxonomyJson"),
        new(Exact("Each node needs a code and a name."), "Server.TaxonomyNodeFields"),
        new(Pattern("^(.*): the file is empty\\.$"), "Server.TaxonomyFileEmpty"),
        new(Pattern("^(.*): the header must be code,name,parent_code,level,skill \\(or the id,parent_id,depth,name,path cause-of-action format\\)\\.$"),
            "Server.TaxonomyHeader"),
        new(Pattern("^Level '(.*)' is not a number\\.$"), "Server.TaxonomyLevelNumber"),
        new(Pattern("^Parent '(.*)' of '(.*)' is not defined before it\\.$"), "Server.TaxonomyWenshuParent"),
        new(Exact("A taxonomy version is at most 32 characters."), "Server.TaxonomyVersion"),
        new(Pattern("^'(.*)' is not an active category\\.$"), "Server.NotActiveCategory"),
        // ASP.NET Core Identity's default descriptions (password policy and user names).
        new(Pattern("^Passwords must be at least (\\d+) characters\\.$"), "Identity.PasswordTooShort"),
        new(Exact("Passwords must have at least one digit ('0'-'9')."), "Identity.PasswordRequiresDigit"),
        new(Pattern("^Passwords must use at least (\\d+) different characters\\.$"), "Identity.PasswordRequiresUniqueChars"),
        new(Exact("Passwords must have at least one lowercase ('a'-'z')."), "Identity.PasswordRequiresLower"),
        new(Exact("Passwords must have at least one uppercase ('A'-'Z')."), "Identity.PasswordRequiresUpper"),
        new(Exact("Passwords must have at least one non alphanumeric character."), "Identity.PasswordRequiresNonAlphanumeric"),
        new(Pattern("^Username '(.*)' is already taken\\.$"), "Identity.DuplicateUserName"),
        new(Pattern("^Username '(.*)' is invalid, can only contain letters or digits\\.$"), "Identity.InvalidUserName"),
        new(Exact("Optimistic concurrency failure, object has been modified."), "Errors.Concurrency"),
        // Duty roster and seats.
        new(Exact("The seat does not exist or is outside your scope."), "Server.RosterSeatOutOfScope"),
        new(Exact("The seat is not in use."), "Server.SeatNotInUse"),
        new(Exact("The agent does not exist or is outside your scope."), "Server.RosterAgentOutOfScope"),
        new(Exact("The agent belongs to another platform than the seat."), "Server.RosterAgentOtherPlatform"),
        new(Exact("A shift needs an end different from its start."), "Server.ShiftEnd"),
        new(Pattern("^The seat (.*) already has (.*) on duty (.*)\\.$"), "Server.RosterSeatClash"),
        new(Pattern("^(.*) is already on duty at seat (.*) (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d-\\d\\d:\\d\\d)\\.$"), "Server.RosterAgentClash"),
        new(Exact("Weeks start on a Monday, and the two weeks must differ."), "Server.RosterWeeks"),
        new(Exact("Choose a seat of your platform."), "Server.ChooseOwnSeat"),
        new(Pattern("^Seat (.*) is taken by (.*)\\. Choose another seat\\.$"), "Server.SeatTaken"),
        // Knowledge base.
        new(Exact("A title is required."), "Server.Knowledge.TitleRequired"),
        new(Exact("The answer (body) is required."), "Server.Knowledge.AnswerRequired"),
        new(Exact("The text (body) is required."), "Server.Knowledge.TextRequired"),
        new(Exact("A Q&A needs the question."), "Server.Knowledge.QuestionRequired"),
        new(Exact("A law article needs the law's title."), "Server.Knowledge.LawTitleRequired"),
        new(Exact("A law article needs its number (1–9999)."), "Server.Knowledge.ArticleNumber"),
        new(Pattern("^(第.+条) of (.+) already exists\\.$"), "Server.Knowledge.ArticleExists"),
        new(Exact("An agency needs an address or a phone number."), "Server.Knowledge.AgencyContact"),
        new(Exact("At most 10 tags of 1–32 characters."), "Server.Knowledge.Tags"),
        new(Exact("The review date falls after the expiry."), "Server.Knowledge.ReviewAfterExpiry"),
        new(Pattern("^At most (\\d+) characters\\.$"), "Server.Knowledge.MaxLength"),
        new(Pattern("^The entry was changed by someone else \\(version (\\d+), you sent (\\d+)\\); reload it\\.$"), "Server.Knowledge.Conflict"),
        new(Exact("Only editors (supervisors, managers, experts, administrators) write entries; lawyers propose them from work orders."), "Server.Knowledge.OnlyEditorsWrite"),
        new(Exact("Only editors change entries; a lawyer changes only their own drafts."), "Server.Knowledge.OnlyEditorsChange"),
        new(Exact("Shared entries (laws, national procedures) are maintained by administrators."), "Server.Knowledge.SharedByAdmins"),
        new(Exact("Only supervisors, platform managers and administrators review and publish entries."), "Server.Knowledge.OnlyReviewers"),
        new(Exact("The author cannot approve their own entry; another reviewer must publish it."), "Server.Knowledge.OwnEntry"),
        new(Pattern("^Only a draft can be submitted for review; this entry is (\\w+)\\.$"), "Server.Knowledge.OnlyDraftSubmitted"),
        new(Pattern("^Only an entry in review can be published; this entry is (\\w+)\\.$"), "Server.Knowledge.OnlyInReviewPublished"),
        new(Pattern("^Only an entry in review can be sent back; this entry is (\\w+)\\.$"), "Server.Knowledge.OnlyInReviewRejected"),
        new(Pattern("^Only a published entry can be retired; this entry is (\\w+)\\.$"), "Server.Knowledge.OnlyPublishedRetired"),
        new(Exact("Say why the entry is sent back."), "Server.Knowledge.SayWhy"),
        new(Exact("The kind of an entry cannot change; create a new entry instead."), "Server.Knowledge.KindFixed"),
        new(Pattern("^Work order (.+) is not completed yet; propose its answer once it is\\.$"), "Server.Knowledge.NotCompleted"),
        new(Pattern("^Work order (.+) has no question and answer to propose\\.$"), "Server.Knowledge.NoAnswer"),
        new(Pattern("^Work order (.+) has already been proposed\\.$"), "Server.Knowledge.AlreadyProposed"),
        new(Pattern("^A term is 1–(\\d+) characters\\.$"), "Server.Knowledge.TermLength"),
        new(Exact("Give 1–20 synonyms."), "Server.Knowledge.SynonymCount"),
        new(Pattern("^Each synonym is 1–(\\d+) characters\\.$"), "Server.Knowledge.SynonymLength"),
        new(Exact("A term is not its own synonym."), "Server.Knowledge.NotOwnSynonym"),
        new(Pattern("^'(.*)' already has synonyms; edit that entry\\.$"), "Server.Knowledge.TermTaken"),
        new(Exact("Type what to search for (q)."), "Server.Knowledge.TypeQuery"),
        new(Pattern("^A search is at most (\\d+) characters\\.$"), "Server.Knowledge.QueryLength"),
        // Self-service.
        new(Exact("Type your question."), "Server.SelfService.TypeQuestion"),
        new(Pattern("^A question is at most (\\d+) characters\\.$"), "Server.SelfService.QuestionLength"),
        new(Exact("Give the phone number the lawyer should call."), "Server.SelfService.PhoneRequired"),
        new(Pattern("^A name is at most (\\d+) characters\\.$"), "Server.SelfService.NameLength"),
        new(Exact("Self-service is not available: no 12348 platform is set up for it."), "Server.SelfService.Unavailable"),
        new(Exact("Self-service is not available: the platform has nobody to take callback requests."), "Server.SelfService.NoOwner"),
        // Complaints and commendations.
        new(Exact("Write down what the complaint is about."), "Server.ComplaintContent"),
        new(Exact("Write the note."), "Server.ComplaintNote"),
        new(Exact("Write the reply given to the complainant."), "Server.ComplaintReply"),
        new(Exact("Choose the finding: substantiated, partly substantiated or unsubstantiated."), "Server.ComplaintFinding"),
        new(Exact("The complainant has not been replied to; give the reason for concluding without a reply."), "Server.ComplaintReason"),
        new(Exact("An unsubstantiated complaint cannot count against the lawyer's assessment."), "Server.ComplaintUnsubstantiatedCounts"),
        new(Exact("Name the lawyer complained about before counting it against an assessment."), "Server.ComplaintNoSubject"),
        new(Pattern("^Cannot .*: the investigation is closed with a finding\\.$"), "Server.ComplaintClosed"),
        new(Exact("Choose the lawyer who was praised."), "Server.CommendationLawyer"),
        new(Exact("Write down what the citizen said or wrote."), "Server.CommendationSummary"),
    ];

    public static string Translate(string message, IStringLocalizer<UiText> text)
    {
        if (TryTranslate(message, text, out var translated))
        {
            return translated;
        }
        // Identity joins several descriptions into one message; translate them one by one.
        var sentences = SentenceEnd().Split(message.Trim());
        if (sentences.Length > 1)
        {
            var parts = new List<string>();
            foreach (var sentence in sentences)
            {
                if (!TryTranslate(sentence, text, out var part))
                {
                    return message;
                }
                parts.Add(part);
            }
            return string.Join(UiFormat.IsChinese ? string.Empty : " ", parts);
        }
        return message;
    }

    private static bool TryTranslate(string message, IStringLocalizer<UiText> text, out string translated)
    {
        foreach (var rule in Catalogue)
        {
            var match = rule.Pattern.Match(message.Trim());
            if (match.Success)
            {
                var values = match.Groups.Values.Skip(1).Select(g => (object)Localize(g.Value, text)).ToArray();
                var localized = text[rule.Key, values];
                if (!localized.ResourceNotFound)
                {
                    translated = localized.Value;
                    return true;
                }
            }
        }
        translated = message;
        return false;
    }

    /// <summary>Enum names quoted in a message (an agent's status, a weekday) are shown localized too.</summary>
    private static string Localize(string value, IStringLocalizer<UiText> text)
    {
        if (WorkOrderActions.TryGetValue(value, out var action))
        {
            return text[$"Server.Doing.{action}"];
        }
        if (value.Length == 0 || !value.All(char.IsAsciiLetter))
        {
            return value;
        }
        if (Enum.TryParse<AgentStatus>(value, out var status))
        {
            return text.Enum(status);
        }
        if (Enum.TryParse<WorkOrders.WorkOrderStatus>(value, out var orderStatus))
        {
            return text.Enum(orderStatus);
        }
        if (Enum.TryParse<Routing.CallbackStatus>(value, out var callbackStatus))
        {
            return text.Enum(callbackStatus);
        }
        if (Enum.TryParse<Knowledge.KnowledgeStatus>(value, out var knowledgeStatus))
        {
            return text.Enum(knowledgeStatus);
        }
        if (Enum.TryParse<DayOfWeek>(value, out var day))
        {
            return UiFormat.DayName(day);
        }
        return value;
    }

    /// <summary>The verbs a refused work-order transition quotes ("Cannot hand over: ..."), by action.</summary>
    private static readonly Dictionary<string, string> WorkOrderActions = new(StringComparer.Ordinal)
    {
        ["start handling"] = "Start", ["hand over"] = "HandOver", ["record the receipt"] = "ConfirmReceipt",
        ["record feedback"] = "RecordFeedback", ["escalate"] = "Escalate", ["complete"] = "Complete", ["close"] = "Close",
        ["reopen"] = "Reopen",
    };

    private static Regex Exact(string message) => new($"^{Regex.Escape(message)}$", RegexOptions.CultureInvariant);

    private static Regex Pattern(string pattern) => new(pattern, RegexOptions.CultureInvariant);

    [GeneratedRegex("(?<=\\.)\\s+(?=[A-Z])")]
    private static partial Regex SentenceEnd();
}
