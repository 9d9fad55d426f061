using System;
using System.Diagnostics.CodeAnalysis;

namespace EmbedWs.Json;

/// <summary>
/// The serializer WsServerOptions starts with: Newtonsoft.Json, unless the app turned the feature
/// switch <c>EmbedWs.Json.NewtonsoftIsDefault</c> off. A trimmed or Native AOT app turns it off
/// (<c>&lt;RuntimeHostConfigurationOption Include="EmbedWs.Json.NewtonsoftIsDefault" Value="false"
/// Trim="true" /&gt;</c>) and sets a <c>SystemTextJsonWsSerializer</c>: the trimmer then
/// sees this property as false (ILLink.Substitutions.xml) and drops Newtonsoft.Json altogether.
/// </summary>
internal static class DefaultJsonSerializer
{
    public const string Switch = "EmbedWs.Json.NewtonsoftIsDefault";

    /// <summary>True unless the switch is set to false. Replaced by a constant when trimmed with the switch set.</summary>
    public static bool NewtonsoftIsDefault => !AppContext.TryGetSwitch(Switch, out bool on) || on;

#if NET8_0_OR_GREATER
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification =
        "The default an app has not chosen. A trimmed app that keeps it keeps Newtonsoft.Json, which the trimmer reports " +
        "as an assembly with trim warnings of its own (IL2104); with the switch off, this branch and Newtonsoft are removed.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: Native AOT reports Newtonsoft.Json itself (IL3053).")]
#endif
    public static IWsJsonSerializer Create() => NewtonsoftIsDefault ? new NewtonsoftWsSerializer() : NoJsonSerializer.Instance;
}

/// <summary>The default when the Newtonsoft default is switched off and the app set none: each use says what to do.</summary>
internal sealed class NoJsonSerializer : IWsJsonSerializer
{
    public static readonly NoJsonSerializer Instance = new();

    public bool TryReadEnvelope(ReadOnlySpan<byte> utf8, out WsEnvelope envelope, out string? errorCode, out string? errorMessage) => throw Missing();

    public object? ReadData(in WsEnvelope envelope, Type type) => throw Missing();

    public void WriteMessage(System.Buffers.IBufferWriter<byte> output, string type, object? id, object? data) => throw Missing();

    public void WriteError(System.Buffers.IBufferWriter<byte> output, object? id, string code, string message) => throw Missing();

    private static InvalidOperationException Missing() => new(
        $"No JSON serializer: this app switched the Newtonsoft.Json default off ({DefaultJsonSerializer.Switch}=false). " +
        "Set WsServerOptions.JsonSerializer, e.g. to a SystemTextJsonWsSerializer over a source-generated context.");
}
