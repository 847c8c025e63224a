using System.Runtime.CompilerServices;

namespace Lawline.Sip.Tests.Rtp;

internal static class TestHost
{
    // The RTP receive loops run on the thread pool. On a 2-core machine the pool starts with 2 threads and the
    // test runner blocks some of them, so socket completions waited up to ~0.9 s for the pool to grow, and
    // real-time media tests saw stalls a server would not. Start the pool with enough threads up front.
    [ModuleInitializer]
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
