namespace Lawline.Sip.Messages;

/// <summary>The only exception the message parser throws: the input is not a SIP message we can use.</summary>
public sealed class SipParseException(string message) : Exception(message);
