using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Lawline.SipBench.Micro;

/// <summary>
/// Short runs (one launch, 3 warm-up and 6 measured iterations), in process (no generated project to build, and it runs
/// from anywhere): the whole micro suite takes a few minutes.
/// </summary>
internal sealed class MicroConfig : ManualConfig
{
    public MicroConfig()
    {
        AddJob(Job.ShortRun.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(6).WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
