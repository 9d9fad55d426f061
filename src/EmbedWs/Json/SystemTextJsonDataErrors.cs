#if NET8_0_OR_GREATER
using System;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EmbedWs.Json;

/// <summary>
/// invalid_data in neutral words for <see cref="SystemTextJsonWsSerializer"/>: the same sentences
/// as the Newtonsoft serializer's, found from System.Text.Json's path (<c>$.lines[0].price</c>)
/// and the resolver's metadata, never its exception text or .NET type names.
/// </summary>
internal static class SystemTextJsonDataErrors
{
    // System.Text.Json's words for a missing required member; the names follow, quoted.
    private const string MissingRequired = "missing required properties";

    public static string Describe(JsonSerializerOptions options, Exception exception, Type target)
    {
        if (exception is not JsonException { Path: { } full })
        {
            return "\"data\" does not fit this message type.";
        }

        string path = full.StartsWith("$", StringComparison.Ordinal) ? full.Substring(1).TrimStart('.') : full;
        if (RequiredMember(exception.Message) is { } required)
        {
            return $"\"{DataErrorWords.Join(path, Wire(options, required))}\" is required.";
        }

        return DataErrorWords.WrongKind(DataErrorWords.Join(path, null), KindAt(options, target, path));
    }

    private static string? RequiredMember(string message)
    {
        int at = message.IndexOf(MissingRequired, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        int start = message.IndexOf('\'', at);
        int end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start + 1 ? message.Substring(start + 1, end - start - 1) : null;
    }

    // The exception names the member as written in .NET or on the wire, depending on the version:
    // answer with its wire name.
    private static string Wire(JsonSerializerOptions options, string name) =>
        options.PropertyNamingPolicy?.ConvertName(name) ?? name;

    private static string? KindAt(JsonSerializerOptions options, Type type, string path)
    {
        var info = options.GetTypeInfo(type);
        int i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            Type? next;
            if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0)
                {
                    return null;
                }

                // ['odd name'] is a member; [2] an index.
                string inside = path.Substring(i + 1, end - i - 1);
                next = inside.Length > 1 && inside[0] == '\'' ? Member(info, inside.Substring(1, inside.Length - 2)) : ElementType(info);
                i = end + 1;
            }
            else
            {
                int end = path.IndexOfAny(s_breaks, i);
                end = end < 0 ? path.Length : end;
                next = Member(info, path.Substring(i, end - i));
                i = end;
            }

            if (next is null)
            {
                return null;
            }

            info = options.GetTypeInfo(next);
        }

        return DataErrorWords.ScalarKind(info.Type) ?? info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ => "a value of another kind",
        };
    }

    private static readonly char[] s_breaks = { '.', '[' };

    // The items of an array or list, the values of a dictionary.
    private static Type? ElementType(JsonTypeInfo info)
    {
#if NET9_0_OR_GREATER
        return info.ElementType;
#else
        var type = info.Type;
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var arguments = type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes;
        return arguments.Length > 0 ? arguments[arguments.Length - 1] : null;
#endif
    }

    private static Type? Member(JsonTypeInfo info, string name)
    {
        if (info.Kind == JsonTypeInfoKind.Dictionary)
        {
            return ElementType(info);
        }

        foreach (var property in info.Properties)
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.PropertyType;
            }
        }

        return null;
    }
}
#endif
