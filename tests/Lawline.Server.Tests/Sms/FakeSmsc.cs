using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lawline.Server.Tests.Sms;

/// <summary>One submit_sm as it reached the SMSC, with its concatenation header (UDH) decoded.</summary>
public sealed record SmppSubmit(
    string MessageId, string Source, byte DestinationTon, string Destination, byte EsmClass, byte DataCoding,
    byte RegisteredDelivery, int? PartReference, int? PartCount, int? PartNumber, byte[] TextBytes)
{
    /// <summary>The part's text: UCS-2 big-endian for data_coding 0x08, else (GSM default as Kannel sends ASCII) Latin-1.</summary>
    public string Text => Decode(DataCoding, TextBytes);

    public static string Decode(byte dataCoding, byte[] bytes)
        => dataCoding == 0x08 ? Encoding.BigEndianUnicode.GetString(bytes) : Encoding.Latin1.GetString(bytes);
}

/// <summary>
/// A fake SMSC speaking real SMPP 3.4 over TCP, as an operator's SMS centre does to Kannel: it answers
/// bind_transceiver/transmitter/receiver, enquire_link and unbind, records every submit_sm (decoding UCS-2 and the
/// UDH of concatenated parts) with a submit_sm_resp carrying a decimal message id, and — when asked for a receipt
/// (registered_delivery) — sends a deliver_sm with esm_class 0x04 and the standard receipt text, so Kannel fires its
/// delivery-report callback.
/// </summary>
public sealed class FakeSmsc : IAsyncDisposable
{
    // SMPP 3.4 §5.1.2.1 command ids.
    private const uint GenericNack = 0x80000000;
    private const uint BindReceiver = 0x00000001;
    private const uint BindTransmitter = 0x00000002;
    private const uint SubmitSm = 0x00000004;
    private const uint DeliverSm = 0x00000005;
    private const uint Unbind = 0x00000006;
    private const uint BindTransceiver = 0x00000009;
    private const uint EnquireLink = 0x00000015;
    private const uint Response = 0x80000000;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<SmppSubmit> _submits = new();
    private readonly ConcurrentBag<Connection> _connections = [];
    private readonly ConcurrentQueue<(Connection Connection, SmppSubmit Submit)> _heldReceipts = new();
    private readonly Task _acceptLoop;
    private int _nextMessageId = 7000;
    private int _binds;
    private Connection? _bound;

    public FakeSmsc()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    public string SystemId { get; } = "lawline";

    public string Password { get; } = "smpp" + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);

    /// <summary>Send receipts as soon as a part is submitted; when false they wait for <see cref="ReleaseReceiptsAsync"/>.</summary>
    public bool ReceiptsImmediately { get; set; } = true;

    public int Binds => Volatile.Read(ref _binds);

    public IReadOnlyList<SmppSubmit> Submits => [.. _submits];

    /// <summary>Every message to <paramref name="destination"/> (digits as on the wire), its parts put back together in order.</summary>
    public IReadOnlyList<(string Text, int Parts, IReadOnlyList<SmppSubmit> Submits)> MessagesTo(string destination)
    {
        var result = new List<(string, int, IReadOnlyList<SmppSubmit>)>();
        foreach (var group in Submits.Where(s => s.Destination == destination).GroupBy(s => s.PartReference is null ? "single:" + s.MessageId : "ref:" + s.PartReference))
        {
            var parts = group.OrderBy(s => s.PartNumber ?? 1).ToList();
            var first = parts[0];
            if (first.PartCount is { } count && parts.Count != count)
            {
                continue; // not all parts arrived yet
            }
            var bytes = parts.SelectMany(p => p.TextBytes).ToArray();
            result.Add((SmppSubmit.Decode(first.DataCoding, bytes), parts.Count, parts));
        }
        return result;
    }

    /// <summary>A handset sends a message to the hotline (MO): a deliver_sm in UCS-2 on the last bound link.</summary>
    public Task SendMoAsync(string fromHandset, string toShortCode, string text)
        => (_bound ?? throw new InvalidOperationException("No SMPP link is bound.")).SendMoAsync(fromHandset, toShortCode, text);

    /// <summary>Sends the receipts held back while <see cref="ReceiptsImmediately"/> was false.</summary>
    public async Task ReleaseReceiptsAsync()
    {
        while (_heldReceipts.TryDequeue(out var held))
        {
            await held.Connection.SendReceiptAsync(held.Submit);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
        try
        {
            await _acceptLoop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var connection = new Connection(this, client);
            _connections.Add(connection);
            _ = connection.RunAsync(_stop.Token);
        }
    }

    private sealed class Connection(FakeSmsc smsc, TcpClient client) : IDisposable
    {
        private readonly NetworkStream _stream = client.GetStream();
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private uint _sequence = 1;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                var header = new byte[16];
                while (!cancellationToken.IsCancellationRequested)
                {
                    await _stream.ReadExactlyAsync(header, cancellationToken);
                    var length = BinaryPrimitives.ReadUInt32BigEndian(header);
                    var commandId = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
                    var sequence = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
                    var body = new byte[length - 16];
                    await _stream.ReadExactlyAsync(body, cancellationToken);
                    await HandleAsync(commandId, sequence, body);
                }
            }
            catch (Exception exception) when (exception is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Kannel closed the link (stopped or reconnecting).
            }
        }

        private async Task HandleAsync(uint commandId, uint sequence, byte[] body)
        {
            switch (commandId)
            {
                case BindTransceiver or BindTransmitter or BindReceiver:
                {
                    var reader = new PduReader(body);
                    var systemId = reader.CString();
                    var password = reader.CString();
                    var ok = systemId == smsc.SystemId && password == smsc.Password;
                    if (ok)
                    {
                        Interlocked.Increment(ref smsc._binds);
                        smsc._bound = this;
                    }
                    // 0x0E = ESME_RINVPASWD.
                    await SendAsync(commandId | Response, ok ? 0u : 0x0Eu, sequence, CString(smsc.SystemId));
                    break;
                }
                case EnquireLink:
                    await SendAsync(EnquireLink | Response, 0, sequence, []);
                    break;
                case Unbind:
                    await SendAsync(Unbind | Response, 0, sequence, []);
                    break;
                case SubmitSm:
                {
                    var submit = ParseSubmit(body, Interlocked.Increment(ref smsc._nextMessageId).ToString(CultureInfo.InvariantCulture));
                    smsc._submits.Enqueue(submit);
                    await SendAsync(SubmitSm | Response, 0, sequence, CString(submit.MessageId));
                    if ((submit.RegisteredDelivery & 0x03) != 0)
                    {
                        if (smsc.ReceiptsImmediately)
                        {
                            await SendReceiptAsync(submit);
                        }
                        else
                        {
                            smsc._heldReceipts.Enqueue((this, submit));
                        }
                    }
                    break;
                }
                default:
                    if ((commandId & Response) == 0)
                    {
                        await SendAsync(GenericNack, 0x03 /* ESME_RINVCMDID */, sequence, []);
                    }
                    break; // deliver_sm_resp and other responses need nothing
            }
        }

        private static SmppSubmit ParseSubmit(byte[] body, string messageId)
        {
            // SMPP 3.4 §4.4.1 submit_sm.
            var r = new PduReader(body);
            r.CString(); // service_type
            r.Byte(); // source_addr_ton
            r.Byte(); // source_addr_npi
            var source = r.CString();
            var destinationTon = r.Byte();
            r.Byte(); // dest_addr_npi
            var destination = r.CString();
            var esmClass = r.Byte();
            r.Byte(); // protocol_id
            r.Byte(); // priority_flag
            r.CString(); // schedule_delivery_time
            r.CString(); // validity_period
            var registeredDelivery = r.Byte();
            r.Byte(); // replace_if_present_flag
            var dataCoding = r.Byte();
            r.Byte(); // sm_default_msg_id
            var smLength = r.Byte();
            var shortMessage = r.Bytes(smLength);
            int? reference = null, count = null, number = null;
            // Optional TLVs: message_payload (0x0424) replaces an empty short_message; sar_* carry concatenation.
            while (r.Remaining >= 4)
            {
                var tag = r.UInt16();
                var value = r.Bytes(r.UInt16());
                switch (tag)
                {
                    case 0x0424 when smLength == 0:
                        shortMessage = value;
                        break;
                    case 0x020C:
                        reference = BinaryPrimitives.ReadUInt16BigEndian(value);
                        break;
                    case 0x020E:
                        count = value[0];
                        break;
                    case 0x020F:
                        number = value[0];
                        break;
                }
            }
            var text = shortMessage;
            if ((esmClass & 0x40) != 0 && shortMessage.Length > 0)
            {
                // TS 23.040 §9.2.3.24: UDHL, then IEs; 0x00 = 8-bit reference concatenation, 0x08 = 16-bit.
                var udhLength = shortMessage[0];
                var at = 1;
                while (at < 1 + udhLength)
                {
                    var iei = shortMessage[at];
                    var iel = shortMessage[at + 1];
                    var data = shortMessage.AsSpan(at + 2, iel);
                    if (iei == 0x00 && iel == 3)
                    {
                        (reference, count, number) = (data[0], data[1], data[2]);
                    }
                    else if (iei == 0x08 && iel == 4)
                    {
                        (reference, count, number) = (BinaryPrimitives.ReadUInt16BigEndian(data), data[2], data[3]);
                    }
                    at += 2 + iel;
                }
                text = shortMessage[(1 + udhLength)..];
            }
            return new SmppSubmit(messageId, source, destinationTon, destination, esmClass, dataCoding, registeredDelivery,
                reference, count, number, text);
        }

        public async Task SendReceiptAsync(SmppSubmit submit)
        {
            // SMPP 3.4 Appendix B receipt text, in a deliver_sm with esm_class 0x04 (SMSC delivery receipt).
            var now = TimeProvider.System.GetUtcNow().ToString("yyMMddHHmm", CultureInfo.InvariantCulture);
            var text = $"id:{submit.MessageId} sub:001 dlvrd:001 submit date:{now} done date:{now} stat:DELIVRD err:000 text:";
            var body = new List<byte>();
            body.AddRange(CString("")); // service_type
            body.Add(submit.DestinationTon);
            body.Add(1); // source_addr_npi: ISDN
            body.AddRange(CString(submit.Destination)); // from the handset
            body.Add(0);
            body.Add(0);
            body.AddRange(CString(submit.Source));
            body.Add(0x04); // esm_class: delivery receipt
            body.Add(0); // protocol_id
            body.Add(0); // priority_flag
            body.AddRange(CString("")); // schedule_delivery_time
            body.AddRange(CString("")); // validity_period
            body.Add(0); // registered_delivery
            body.Add(0); // replace_if_present_flag
            body.Add(0); // data_coding
            body.Add(0); // sm_default_msg_id
            var bytes = Encoding.ASCII.GetBytes(text);
            body.Add((byte)bytes.Length);
            body.AddRange(bytes);
            // receipted_message_id (0x001E) and message_state (0x0427: 2 = DELIVERED), SMPP 3.4 §5.3.2.
            var id = CString(submit.MessageId);
            body.AddRange([0x00, 0x1E, 0x00, (byte)id.Length]);
            body.AddRange(id);
            body.AddRange([0x04, 0x27, 0x00, 0x01, 0x02]);
            await SendAsync(DeliverSm, 0, Interlocked.Increment(ref _sequence), [.. body]);
        }

        public async Task SendMoAsync(string from, string to, string text)
        {
            var body = new List<byte>();
            body.AddRange(CString("")); // service_type
            body.Add(1); // source_addr_ton: international
            body.Add(1); // source_addr_npi: ISDN
            body.AddRange(CString(from));
            body.Add(0);
            body.Add(0);
            body.AddRange(CString(to));
            body.Add(0); // esm_class: a plain message
            body.Add(0); // protocol_id
            body.Add(0); // priority_flag
            body.AddRange(CString("")); // schedule_delivery_time
            body.AddRange(CString("")); // validity_period
            body.Add(0); // registered_delivery
            body.Add(0); // replace_if_present_flag
            body.Add(0x08); // data_coding: UCS-2
            body.Add(0); // sm_default_msg_id
            var bytes = Encoding.BigEndianUnicode.GetBytes(text);
            body.Add((byte)bytes.Length);
            body.AddRange(bytes);
            await SendAsync(DeliverSm, 0, Interlocked.Increment(ref _sequence), [.. body]);
        }

        private async Task SendAsync(uint commandId, uint status, uint sequence, byte[] body)
        {
            var pdu = new byte[16 + body.Length];
            BinaryPrimitives.WriteUInt32BigEndian(pdu, (uint)pdu.Length);
            BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(4), commandId);
            BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(8), status);
            BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(12), sequence);
            body.CopyTo(pdu, 16);
            await _writeLock.WaitAsync();
            try
            {
                await _stream.WriteAsync(pdu);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        private static byte[] CString(string value) => [.. Encoding.ASCII.GetBytes(value), 0];

        public void Dispose()
        {
            client.Dispose();
        }
    }

    private sealed class PduReader(byte[] data)
    {
        private int _at;

        public int Remaining => data.Length - _at;

        public byte Byte() => data[_at++];

        public ushort UInt16()
        {
            var value = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(_at));
            _at += 2;
            return value;
        }

        public byte[] Bytes(int count)
        {
            var value = data.AsSpan(_at, count).ToArray();
            _at += count;
            return value;
        }

        public string CString()
        {
            var end = Array.IndexOf(data, (byte)0, _at);
            var value = Encoding.ASCII.GetString(data, _at, end - _at);
            _at = end + 1;
            return value;
        }
    }
}
