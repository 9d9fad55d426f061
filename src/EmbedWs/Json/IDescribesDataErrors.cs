using System;

namespace EmbedWs.Json;

/// <summary>
/// A built-in serializer that can say why "data" did not bind, in words fit for a client (the
/// member's path and the kind of value it takes), without .NET type names or exception text.
/// </summary>
internal interface IDescribesDataErrors
{
    /// <summary>Why <paramref name="exception"/> happened binding "data" to <paramref name="target"/>.</summary>
    string DescribeDataError(Exception exception, Type target);
}
