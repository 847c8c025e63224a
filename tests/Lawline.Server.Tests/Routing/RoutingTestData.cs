using System.Buffers.Binary;
using Lawline.Server.Data;
using Lawline.Server.Routing;
using Lawline.Server.Security;
using Lawline.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lawline.Server.Tests.Routing;

/// <summary>
/// What the API cannot create yet (the call flow writes it): remote seats, call records, callback tasks. Written
/// straight into the database, acting as the system, as the call flow would.
/// </summary>
public static class RoutingTestData
{
    public static async Task<T> WithDatabaseAsync<T>(this LawlineFactory factory, Func<AppDbContext, Task<T>> work)
        => await WithDatabaseAsync(factory.Services, work);

    public static async Task<T> WithDatabaseAsync<T>(IServiceProvider services, Func<AppDbContext, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem("test");
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var result = await work(db);
        await db.SaveChangesAsync();
        return result;
    }

    /// <summary>远程坐席: the agent takes calls on their mobile.</summary>
    public static Task MakeRemoteSeatAsync(this LawlineFactory factory, int agentId)
        => factory.WithDatabaseAsync(async db =>
        {
            var agent = await db.Agents.AsTracking().SingleAsync(a => a.Id == agentId);
            agent.RemoteSeat = true;
            return agent;
        });

    /// <summary>A call that left a callback task behind, as the call flow records it.</summary>
    public sealed record CallbackSeed(int PlatformId, CallbackKind Kind, string CallerNumber)
    {
        public CallbackStatus Status { get; init; } = CallbackStatus.Pending;
        public DateTimeOffset? ArrivedAt { get; init; }
        public DateTimeOffset? CreatedAt { get; init; }
        public DateTimeOffset? DueAt { get; init; }
        public string? SkillCode { get; init; } = "LABOR";
        public CallRating? Rating { get; init; }
        public TimeSpan? VoicemailAfter { get; init; }
        public string? RecordingPath { get; init; }
        public int Requests { get; init; } = 1;
        public int Attempts { get; init; }
    }

    public sealed record SeededCallback(int TaskId, long CallRecordId);

    public static Task<SeededCallback> SeedCallbackAsync(this LawlineFactory factory, CallbackSeed seed)
        => SeedCallbackAsync(factory.Services, factory.Clock.GetUtcNow(), seed);

    public static async Task<SeededCallback> SeedCallbackAsync(IServiceProvider services, DateTimeOffset now, CallbackSeed seed)
    {
        var arrived = seed.ArrivedAt ?? now.AddMinutes(-5);
        var record = new CallRecord
        {
            PlatformId = seed.PlatformId,
            CallerLeg = "leg-" + Guid.NewGuid().ToString("N")[..12],
            SipCallId = Guid.NewGuid().ToString("N"),
            CallerNumber = seed.CallerNumber,
            DialedNumber = "12348",
            ArrivedAt = arrived,
            SkillCode = seed.SkillCode,
            Rating = seed.Rating,
            VoicemailAt = seed.VoicemailAfter is { } after ? arrived + after : null,
            RecordingPath = seed.RecordingPath,
            EndedAt = arrived.AddMinutes(1),
        };
        await WithDatabaseAsync(services, db =>
        {
            db.CallRecords.Add(record);
            return Task.FromResult(record);
        });
        var task = new CallbackTask
        {
            PlatformId = seed.PlatformId,
            Kind = seed.Kind,
            Status = seed.Status,
            CallerNumber = seed.CallerNumber,
            CallRecordId = record.Id,
            SkillCode = seed.SkillCode,
            Requests = seed.Requests,
            Attempts = seed.Attempts,
            CreatedAt = seed.CreatedAt ?? arrived.AddMinutes(1),
            DueAt = seed.DueAt,
        };
        await WithDatabaseAsync(services, db =>
        {
            db.CallbackTasks.Add(task);
            return Task.FromResult(task);
        });
        return new SeededCallback(task.Id, record.Id);
    }

    /// <summary>
    /// A recording as the engine writes them (8 kHz, 16-bit PCM, stereo: caller left, agent right): silence, then a
    /// 440 Hz tone on the caller's side for the last <paramref name="tone"/>.
    /// </summary>
    public static string WriteRecording(string directory, TimeSpan length, TimeSpan tone)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".wav");
        var frames = (int)(length.TotalSeconds * 8000);
        var toneFrom = frames - (int)(tone.TotalSeconds * 8000);
        var file = new byte[44 + frames * 4];
        var span = file.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + frames * 4));
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], 8000);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], 8000 * 4);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 4);
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)(frames * 4));
        for (var i = toneFrom; i < frames; i++)
        {
            var sample = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000));
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + i * 4)..], sample);
        }

        File.WriteAllBytes(path, file);
        return path;
    }
}
