using System;
using System.Collections.Generic;
using EmbedWs.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace EmbedWs;

// invalid_data in neutral words: which member of "data" did not fit, and what kind of value it
// takes, without the .NET type names and the serializer's text that a client must not see.
public sealed partial class NewtonsoftWsSerializer
{
    /// <summary>
    /// Describes why "data" did not bind to <paramref name="target"/>, for a client: the path of
    /// the member that did not fit (<c>"data.items[2].price"</c>) and the kind of value it takes
    /// (a number, a string, true or false, an object, an array), or that a member is required.
    /// </summary>
    string IDescribesDataErrors.DescribeDataError(Exception exception, Type target)
    {
        string? path = exception switch
        {
            JsonReaderException reader => reader.Path,
            JsonSerializationException serialization => serialization.Path,
            _ => null,
        };

        if (path is null)
        {
            return "\"data\" does not fit this message type.";
        }

        if (RequiredMember(exception.Message) is { } required)
        {
            return $"\"{Join(path, required)}\" is required.";
        }

        return DataErrorWords.WrongKind(Join(path, null), KindAt(target, path));
    }

    private static string Join(string path, string? member) => DataErrorWords.Join(path, member);

    // Newtonsoft's words for a missing [JsonProperty(Required = ...)] member, with its wire name.
    private static string? RequiredMember(string message)
    {
        const string prefix = "Required property '";
        if (!message.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        int end = message.IndexOf('\'', prefix.Length);
        return end > prefix.Length ? message.Substring(prefix.Length, end - prefix.Length) : null;
    }

    /// <summary>The kind of JSON value the member at <paramref name="path"/> of <paramref name="type"/> takes; null when unknown.</summary>
    private string? KindAt(Type type, string path)
    {
        foreach (var step in Steps(path))
        {
            var contract = _serializer.ContractResolver.ResolveContract(Unwrap(type));
            Type? next = contract switch
            {
                JsonObjectContract o when step is not null => o.Properties.GetClosestMatchProperty(step)?.PropertyType,
                JsonArrayContract a when step is null => a.CollectionItemType,
                JsonDictionaryContract d when step is not null => d.DictionaryValueType,
                _ => null,
            };

            if (next is null)
            {
                return null;
            }

            type = next;
        }

        return KindOf(Unwrap(type));
    }

    /// <summary>The steps of a path such as <c>a.b[2].c</c>: member names, and null for each index.</summary>
    private static IEnumerable<string?> Steps(string path)
    {
        int i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0)
                {
                    yield break;
                }

                // ['odd name'] is a member; [2] an index.
                string inside = path.Substring(i + 1, end - i - 1);
                yield return inside.Length > 1 && inside[0] == '\'' ? inside.Substring(1, inside.Length - 2) : null;
                i = end + 1;
            }
            else
            {
                int end = path.IndexOfAny(s_pathBreaks, i);
                end = end < 0 ? path.Length : end;
                yield return path.Substring(i, end - i);
                i = end;
            }
        }
    }

    private static readonly char[] s_pathBreaks = { '.', '[' };

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private string KindOf(Type type)
    {
        if (DataErrorWords.ScalarKind(type) is { } scalar)
        {
            return scalar;
        }

        return _serializer.ContractResolver.ResolveContract(type) switch
        {
            JsonArrayContract => "an array",
            JsonDictionaryContract or JsonObjectContract => "an object",
            _ => "a value of another kind",
        };
    }
}
