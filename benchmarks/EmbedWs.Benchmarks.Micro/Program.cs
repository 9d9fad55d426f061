using BenchmarkDotNet.Running;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/EmbedWs.Benchmarks.Micro -- --filter '*'</c>;
/// add <c>--job short</c> for a quick run. Every class has [MemoryDiagnoser]: "Allocated" is per operation.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
