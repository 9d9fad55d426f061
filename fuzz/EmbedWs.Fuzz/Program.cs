using System.IO;
using SharpFuzz;

namespace EmbedWs.Fuzz;

// Usage:
//   EmbedWs.Fuzz <target>          under afl-fuzz: the fuzzing loop; without it: runs stdin once
//                                  (how a crash file is replayed: EmbedWs.Fuzz frames < crash)
//   EmbedWs.Fuzz seeds <folder>    writes the seed corpus, one folder per target
// <target> is handshake, frames, router, router-stj, session or deflate; EMBEDWS_FUZZ_TARGET is read when no argument is given.
// Any exception that escapes a target is a finding: the targets catch nothing the code under
// test documents as impossible, and throw InvariantException when a result breaks a rule.
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "seeds")
        {
            Seeds.Write(args[1]);
            return 0;
        }

        string? name = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("EMBEDWS_FUZZ_TARGET");
        Action<byte[]>? target = name switch
        {
            "handshake" => HandshakeTarget.Run,
            "frames" => FramesTarget.Run,
            "router" or "router-stj" => RouterTarget.Run,
            "session" => SessionTarget.Run,
            "deflate" => DeflateTarget.Run,
            _ => null,
        };
        if (target is null)
        {
            Console.Error.WriteLine("usage: EmbedWs.Fuzz handshake|frames|router|router-stj|session|deflate  (input on stdin)");
            Console.Error.WriteLine("       EmbedWs.Fuzz seeds <folder>");
            return 2;
        }

        if (name == "router-stj")
        {
            // The serializer's constructor is instrumented code too: it needs the scratch map.
            WarmUp(RouterTarget.UseSystemTextJson);
        }

        if (name is "router" or "router-stj")
        {
            WarmUp(RouterTarget.WarmUp);
        }

        // Out of process: the loop runs in a child that SharpFuzz restarts after a crash, so a
        // stack overflow or a corrupted static is reported for its input and does not end the run.
        Fuzzer.OutOfProcess.Run(stream => target(ReadAll(stream)));
        return 0;
    }

    /// <summary>
    /// Runs instrumented code before the fuzzing loop. The instrumented library writes coverage
    /// to SharpFuzz's trace map, which exists only once the loop runs: until then it gets a
    /// scratch map, thrown away after.
    /// </summary>
    private static unsafe void WarmUp(Action warmUp)
    {
        var scratch = new byte[1 << 16];
        fixed (byte* map = scratch)
        {
            SharpFuzz.Common.Trace.SharedMem = map;
            try
            {
                warmUp();
            }
            finally
            {
                SharpFuzz.Common.Trace.SharedMem = null;
                SharpFuzz.Common.Trace.PrevLocation = 0;
            }
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
