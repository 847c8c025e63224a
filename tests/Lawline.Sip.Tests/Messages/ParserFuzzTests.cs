using System.Text;
using Lawline.Sip.Messages;

namespace Lawline.Sip.Tests.Messages;

/// <summary>
/// Feeds the parser random and mutated datagrams. Whatever arrives from the network, the parser and the typed
/// accessors the engine uses may only succeed or throw <see cref="SipParseException"/>. Seeds are fixed so a
/// failure names the seed and case that reproduce it.
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly int[] Seeds = [1, 7, 42, 4475, 3261];

    private static readonly string[] ValidNames = ["wsinv", "intmeth", "esc01", "escnull", "longreq", "semiuri", "mpart01", "unreason", "cparam01", "inv2543", "bext01"];

    private static readonly byte[] Interesting = "\r\n\0:<>\";,=@%\\ \t?&[]"u8.ToArray();

    [Fact]
    public void Random_bytes_only_ever_throw_SipParseException()
    {
        foreach (var seed in Seeds)
        {
            var random = new Random(seed);
            for (var i = 0; i < 2_000; i++)
            {
                var data = new byte[random.Next(0, 400)];
                random.NextBytes(data);
                if (random.Next(2) == 0 && data.Length > 40)
                {
                    // Garbage behind a plausible start line, ending in an empty line, gets past the first checks.
                    "INVITE sip:a@b SIP/2.0\r\n"u8.CopyTo(data);
                    "\r\n\r\n"u8.CopyTo(data.AsSpan(random.Next(24, data.Length - 4)));
                }

                Exercise(data, $"random seed {seed} case {i}");
            }
        }
    }

    [Fact]
    public void Mutated_valid_messages_only_ever_throw_SipParseException()
    {
        foreach (var seed in Seeds)
        {
            var random = new Random(seed);
            foreach (var name in ValidNames)
            {
                var original = TortureTests.Load(name);
                for (var i = 0; i < 400; i++)
                {
                    Exercise(Mutate(original, random), $"mutation seed {seed} {name} case {i}");
                }
            }
        }
    }

    [Fact]
    public void Truncation_at_every_position_only_ever_throws_SipParseException()
    {
        foreach (var name in (string[])["wsinv", "intmeth", "esc01", "mpart01", "semiuri"])
        {
            var original = TortureTests.Load(name);
            for (var length = 0; length <= original.Length; length++)
            {
                Exercise(original[..length], $"truncation {name} at {length}");
            }
        }
    }

    [Fact]
    public void Every_torture_message_with_every_line_removed_or_duplicated()
    {
        foreach (var name in TortureTests.AllNames())
        {
            var lines = Encoding.Latin1.GetString(TortureTests.Load(name)).Split("\r\n");
            for (var i = 0; i < lines.Length; i++)
            {
                var removed = lines.Where((_, index) => index != i);
                Exercise(Encoding.Latin1.GetBytes(string.Join("\r\n", removed)), $"{name} without line {i}");
                var duplicated = lines.Take(i + 1).Append(lines[i]).Concat(lines.Skip(i + 1));
                Exercise(Encoding.Latin1.GetBytes(string.Join("\r\n", duplicated)), $"{name} with line {i} twice");
            }
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        var mutations = random.Next(1, 6);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            var position = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.Insert(position, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 2:
                    data.RemoveAt(position);
                    break;
                case 3:
                    // A huge header value or parameter.
                    data.InsertRange(position, Enumerable.Repeat(Interesting[random.Next(Interesting.Length)] is var b && random.Next(2) == 0 ? b : (byte)'a', random.Next(1_000, 20_000)));
                    break;
                case 4:
                    data.RemoveRange(position, data.Count - position);
                    break;
                default:
                    data[position] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. data];
    }

    private static void Exercise(byte[] data, string label)
    {
        SipMessage message;
        try
        {
            message = SipParser.Parse(data);
        }
        catch (SipParseException)
        {
            return;
        }
        catch (Exception exception)
        {
            Assert.Fail($"{label}: parser threw {exception.GetType().Name}: {exception.Message}");
            return;
        }

        // The accessors the transaction, dialog and registrar layers call on every message.
        Accessor(() => message.CallId, label, "CallId");
        Accessor(() => message.CSeq, label, "CSeq");
        Accessor(() => message.From, label, "From");
        Accessor(() => message.To, label, "To");
        Accessor(() => message.TopVia, label, "TopVia");
        Accessor(() => message.Vias, label, "Vias");
        Accessor(() => message.Contacts, label, "Contacts");
        Accessor(() => message.Routes, label, "Routes");
        Accessor(() => message.RecordRoutes, label, "RecordRoutes");
        Accessor(() => message.Expires, label, "Expires");
        Accessor(() => message.Body, label, "Body");
        Accessor(() => message.ToBytes(), label, "ToBytes");
        if (message is SipRequest request)
        {
            Accessor(() => request.MaxForwards, label, "MaxForwards");
            Accessor(() => request.Uri.ToString(), label, "Uri");
            Accessor(() => request.Uri.UnescapedUser, label, "UnescapedUser");
            Accessor(() => SipRequestChecks.Check(request, new HashSet<string>()), label, "Check");
            Accessor(() => request.CreateResponse(400, null, "t1"), label, "CreateResponse");
        }
    }

    private static void Accessor<T>(Func<T> accessor, string label, string what)
    {
        try
        {
            _ = accessor();
        }
        catch (SipParseException)
        {
        }
        catch (Exception exception)
        {
            Assert.Fail($"{label}: {what} threw {exception.GetType().Name}: {exception.Message}");
        }
    }
}
