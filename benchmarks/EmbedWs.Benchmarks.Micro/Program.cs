using BenchmarkDotNet.Running;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/EmbedWs.Benchmarks.Micro -- --filter '*'</c>;
/// add <c>--job short</c> for a quick run. Every class has [MemoryDiagnoser]: "Allocated" is per operation.
/// <c>-- zlib-memory</c> measures the memory of one permessage-deflate compressor and inflater (<see cref="ZlibMemory"/>);
/// <c>-- deflate-sizes</c> prints what each compression level makes of the load generator's JSON (<see cref="DeflateLevelBenchmarks.Sizes"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["zlib-memory"])
        {
            ZlibMemory.Run();
            return;
        }

        if (args is ["deflate-sizes"])
        {
            DeflateLevelBenchmarks.Sizes();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
