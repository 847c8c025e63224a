using System.Globalization;
using System.Text;

namespace Lawline.Sip.Messages;

/// <summary>
/// A SIP message (RFC 3261 §7). Messages are built up and rewritten step by step by the transaction and B2BUA
/// layers (Via added, Route removed, received/rport stamped), so they are classes with a mutable header list
/// rather than immutable records; <see cref="Clone"/> gives an independent copy.
/// </summary>
public abstract class SipMessage
{
    public const string Version = "SIP/2.0";

    public SipHeaders Headers { get; protected init; } = new();

    public byte[] Body { get; set; } = [];

    /// <summary>The protocol version of the start line as received (a message with another version gets 505).</summary>
    public string SipVersion { get; init; } = Version;

    public string CallId => Headers[HeaderNames.CallId] ?? throw new SipParseException("No Call-ID.");

    public CSeqHeader CSeq => CSeqHeader.Parse(Headers[HeaderNames.CSeq] ?? throw new SipParseException("No CSeq."));

    public NameAddress From => NameAddress.Parse(Headers[HeaderNames.From] ?? throw new SipParseException("No From."));

    public NameAddress To => NameAddress.Parse(Headers[HeaderNames.To] ?? throw new SipParseException("No To."));

    public ViaHeader TopVia
    {
        get
        {
            var first = Headers[HeaderNames.Via] ?? throw new SipParseException("No Via.");
            var values = HeaderSyntax.SplitList(first);
            return values.Count == 0 ? throw new SipParseException("Empty Via.") : ViaHeader.Parse(values[0]);
        }
    }

    public List<ViaHeader> Vias => Headers.Values(HeaderNames.Via).ConvertAll(ViaHeader.Parse);

    public List<NameAddress> Contacts => Headers.Values(HeaderNames.Contact).ConvertAll(NameAddress.Parse);

    public List<NameAddress> RecordRoutes => Headers.Values(HeaderNames.RecordRoute).ConvertAll(NameAddress.Parse);

    public List<NameAddress> Routes => Headers.Values(HeaderNames.Route).ConvertAll(NameAddress.Parse);

    public string? ContentType => Headers[HeaderNames.ContentType];

    public int? Expires => int.TryParse(Headers[HeaderNames.Expires], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public bool HasOption(string headerName, string option)
    {
        foreach (var value in Headers.Values(headerName))
        {
            if (string.Equals(value, option, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public string BodyText => Encoding.UTF8.GetString(Body);

    public void SetBody(string contentType, string body)
    {
        Headers.Set(HeaderNames.ContentType, contentType);
        Body = Encoding.UTF8.GetBytes(body);
    }

    public abstract SipMessage Clone();

    protected abstract void AppendStartLine(StringBuilder builder);

    /// <summary>Serializes the message with CRLF line ends and a Content-Length that matches the body.</summary>
    public byte[] ToBytes()
    {
        var builder = new StringBuilder(512);
        AppendStartLine(builder);
        builder.Append("\r\n");
        foreach (var header in Headers.All)
        {
            if (string.Equals(header.Name, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            builder.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
        }

        builder.Append(HeaderNames.ContentLength).Append(": ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var headerBytes = Encoding.UTF8.GetByteCount(builder.ToString());
        var bytes = new byte[headerBytes + Body.Length];
        Encoding.UTF8.GetBytes(builder.ToString(), bytes);
        Body.CopyTo(bytes, headerBytes);
        return bytes;
    }

    public override string ToString() => Encoding.UTF8.GetString(ToBytes());
}

public sealed class SipRequest : SipMessage
{
    public SipRequest(string method, SipUri uri, SipHeaders? headers = null)
    {
        Method = method;
        Uri = uri;
        Headers = headers ?? new SipHeaders();
    }

    public string Method { get; }

    public SipUri Uri { get; set; }

    public int? MaxForwards => int.TryParse(Headers[HeaderNames.MaxForwards], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public override SipRequest Clone() => new(Method, Uri.Clone(), Headers.Clone()) { Body = Body, SipVersion = SipVersion };

    /// <summary>
    /// Builds a response (RFC 3261 §8.2.6): Via, From, To, Call-ID and CSeq copied; a To tag added when given
    /// and the request had none.
    /// </summary>
    public SipResponse CreateResponse(int statusCode, string? reason = null, string? toTag = null)
    {
        var response = new SipResponse(statusCode, reason ?? SipResponse.DefaultReason(statusCode));
        foreach (var line in Headers.Lines(HeaderNames.Via))
        {
            response.Headers.Add(HeaderNames.Via, line);
        }

        response.Headers.Add(HeaderNames.From, Headers[HeaderNames.From] ?? "");
        var to = Headers[HeaderNames.To] ?? "";
        if (toTag is not null && statusCode > 100 && NameAddress.Parse(to).Tag is null)
        {
            to = to + ";tag=" + toTag;
        }

        response.Headers.Add(HeaderNames.To, to);
        response.Headers.Add(HeaderNames.CallId, Headers[HeaderNames.CallId] ?? "");
        response.Headers.Add(HeaderNames.CSeq, Headers[HeaderNames.CSeq] ?? "");
        if (statusCode == 100 && Headers[ "Timestamp"] is { } timestamp)
        {
            // RFC 3261 §8.2.6.1: a 100 copies the request's Timestamp.
            response.Headers.Add("Timestamp", timestamp);
        }

        return response;
    }

    protected override void AppendStartLine(StringBuilder builder) =>
        builder.Append(Method).Append(' ').Append(Uri).Append(' ').Append(SipVersion);
}

public sealed class SipResponse : SipMessage
{
    public SipResponse(int statusCode, string reasonPhrase, SipHeaders? headers = null)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers ?? new SipHeaders();
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public override SipResponse Clone() => new(StatusCode, ReasonPhrase, Headers.Clone()) { Body = Body, SipVersion = SipVersion };

    protected override void AppendStartLine(StringBuilder builder) =>
        builder.Append(SipVersion).Append(' ').Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase);

    public static string DefaultReason(int statusCode) => statusCode switch
    {
        100 => "Trying",
        180 => "Ringing",
        181 => "Call Is Being Forwarded",
        182 => "Queued",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        301 => "Moved Permanently",
        302 => "Moved Temporarily",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        415 => "Unsupported Media Type",
        416 => "Unsupported URI Scheme",
        420 => "Bad Extension",
        422 => "Session Interval Too Small",
        423 => "Interval Too Brief",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        482 => "Loop Detected",
        483 => "Too Many Hops",
        484 => "Address Incomplete",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        489 => "Bad Event",
        491 => "Request Pending",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        504 => "Server Time-out",
        505 => "Version Not Supported",
        513 => "Message Too Large",
        600 => "Busy Everywhere",
        603 => "Decline",
        _ => statusCode switch
        {
            < 200 => "Progress",
            < 300 => "Success",
            < 400 => "Redirect",
            < 500 => "Client Error",
            < 600 => "Server Error",
            _ => "Global Failure",
        },
    };
}
