using System.Diagnostics.Metrics;

namespace Lawline.Sip.Rtp;

// Instruments of the "Lawline.Sip.Media" meter. Endpoints count in plain fields on their hot path and
// add the differences here once a second (from the media clock): one Add per endpoint per second instead
// of several per packet, which matters when a metrics listener is attached.
internal sealed class MediaMetrics : IDisposable
{
    public const string MeterName = "Lawline.Sip.Media";

    private readonly bool _ownsMeter;

    public MediaMetrics(IMeterFactory? meterFactory)
    {
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = meterFactory is null;
        PacketsReceived = Meter.CreateCounter<long>("lawline.rtp.packets.received", "{packet}", "RTP packets received on all endpoints");
        PacketsSent = Meter.CreateCounter<long>("lawline.rtp.packets.sent", "{packet}", "RTP packets sent by all endpoints");
        PacketsLost = Meter.CreateCounter<long>("lawline.rtp.packets.lost", "{packet}", "RTP packets missing from sequence number gaps");
        ActiveEndpoints = Meter.CreateUpDownCounter<long>("lawline.rtp.endpoints.active", "{endpoint}", "RTP endpoints open");
    }

    public Meter Meter { get; }
    public Counter<long> PacketsReceived { get; }
    public Counter<long> PacketsSent { get; }
    public Counter<long> PacketsLost { get; }
    public UpDownCounter<long> ActiveEndpoints { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
