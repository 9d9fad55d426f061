using System.IO;
using Newtonsoft.Json;

namespace EmbedWs.Routing;

/// <summary>
/// Newtonsoft's reader, refusing the values JSON does not have: <c>undefined</c> (also what it
/// reads for a missing value, as in <c>{"a":,}</c> or <c>[1,,2]</c>), <c>NaN</c> and
/// <c>Infinity</c>, and constructors such as <c>new Date(1)</c>. Read into a token and echoed,
/// they made replies that are not JSON. Syntax it merely tolerates (comments, single quotes,
/// trailing commas) still reads, as plain JSON values.
/// </summary>
internal sealed class StrictJsonReader : JsonTextReader
{
    public StrictJsonReader(TextReader reader)
        : base(reader)
    {
    }

    public override bool Read()
    {
        if (!base.Read())
        {
            return false;
        }

        string? what = TokenType switch
        {
            JsonToken.Undefined => "undefined (or a missing value)",
            JsonToken.StartConstructor => "A constructor",
            JsonToken.Float when Value is double d && (double.IsNaN(d) || double.IsInfinity(d)) => Value.ToString(),
            _ => null,
        };
        if (what is not null)
        {
            throw new JsonReaderException($"{what} is not JSON. Path '{Path}', line {LineNumber}, position {LinePosition}.", Path, LineNumber, LinePosition, null);
        }

        return true;
    }
}
