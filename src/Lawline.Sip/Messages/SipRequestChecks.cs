using System.Globalization;

namespace Lawline.Sip.Messages;

/// <summary>Why a syntactically valid request must be refused, and what to put in the response.</summary>
/// <param name="StatusCode">400, 416, 420 or 505.</param>
/// <param name="ReasonPhrase">The reason phrase for the status line.</param>
/// <param name="Detail">A human-readable explanation for logs (not sent).</param>
/// <param name="Unsupported">For 420: the option tags to list in the Unsupported header (RFC 3261 §8.2.2.3).</param>
public sealed record SipRequestRejection(int StatusCode, string ReasonPhrase, string Detail, IReadOnlyList<string> Unsupported);

/// <summary>
/// The checks a UAS makes on a request the parser accepted, before handing it to the method's logic (RFC 3261
/// §8.2.1–§8.2.2; RFC 4475 §3.1.2.12, §3.1.2.16, §3.3.2, §3.3.3 and §3.3.5). The transaction layer calls
/// <see cref="Check"/> and answers with the returned status; null means the request may proceed.
/// </summary>
public static class SipRequestChecks
{
    /// <summary>Request-URI schemes this engine routes (RFC 3261 §8.2.2.1; tel: per RFC 3966 for trunks).</summary>
    public static IReadOnlySet<string> SupportedSchemes { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "sip", "sips", "tel" };

    public static SipRequestRejection? Check(SipRequest request, IReadOnlySet<string> supportedExtensions)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(supportedExtensions);

        // RFC 3261 §8.2 does not name it, but a server that only speaks SIP/2.0 answers any other version with 505
        // (§21.5.7; RFC 4475 §3.1.2.16 badvers).
        if (!string.Equals(request.SipVersion, SipMessage.Version, StringComparison.OrdinalIgnoreCase))
        {
            return Reject(505, $"SIP version {request.SipVersion} is not supported.");
        }

        // RFC 3261 §8.2.2.1: a Request-URI scheme we do not understand is 416 (RFC 4475 §3.3.2 unkscm, §3.3.3 novelsc).
        if (!SupportedSchemes.Contains(request.Uri.Scheme))
        {
            return Reject(416, $"Request-URI scheme \"{request.Uri.Scheme}\" is not supported.");
        }

        // RFC 3261 §20.17: Date is an rfc1123-date in GMT only. RFC 4475 §3.1.2.12 (baddate) allows either ignoring
        // it or a 400; we answer 400 because a peer that gets Date wrong gets other things wrong too.
        if (request.Headers[HeaderNames.Date] is { } date && !IsRfc1123Date(date))
        {
            return Reject(400, $"Invalid Date \"{date}\".");
        }

        // RFC 3261 §8.2.2.3: every option tag in Require must be supported, else 420 listing them in Unsupported.
        // Require is not honoured for CANCEL (§9.2) and ACK cannot be answered (RFC 4475 §3.3.5 bext01).
        if (request.Method is not (SipMethods.Ack or SipMethods.Cancel))
        {
            List<string>? unsupported = null;
            foreach (var option in request.Headers.Values(HeaderNames.Require))
            {
                if (!supportedExtensions.Contains(option))
                {
                    (unsupported ??= []).Add(option);
                }
            }

            if (unsupported is not null)
            {
                return new SipRequestRejection(420, SipResponse.DefaultReason(420), $"Unsupported extensions: {string.Join(", ", unsupported)}.", unsupported);
            }
        }

        return null;
    }

    private static SipRequestRejection Reject(int code, string detail) => new(code, SipResponse.DefaultReason(code), detail, []);

    private static bool IsRfc1123Date(string value) =>
        DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        && value.TrimEnd().EndsWith(" GMT", StringComparison.Ordinal);
}
