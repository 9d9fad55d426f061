using System;

namespace EmbedWs.Json;

/// <summary>
/// The neutral words of invalid_data replies, shared by the built-in serializers so that both
/// say the same thing: where ("data.items[2].price") and what kind of value a member takes.
/// </summary>
internal static class DataErrorWords
{
    /// <summary>"data" followed by a serializer's path to the member (without its root marker).</summary>
    public static string Join(string path, string? member)
    {
        string full = path.Length == 0 ? "data" : path[0] == '[' ? "data" + path : "data." + path;
        return member is null ? full : full + "." + member;
    }

    /// <summary>The reply for a member of the wrong kind; <paramref name="kind"/> null when unknown.</summary>
    public static string WrongKind(string where, string? kind) =>
        kind is null ? $"\"{where}\" has a value of the wrong kind." : $"\"{where}\" must be {kind}.";

    /// <summary>The kind of a value that is not an object or an array; null for those.</summary>
    public static string? ScalarKind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of: " + string.Join(", ", Enum.GetNames(type));
        }

        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean:
                return "true or false";
            case TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64:
                return "a whole number in range";
            case TypeCode.Single or TypeCode.Double or TypeCode.Decimal:
                return "a number";
            case TypeCode.String or TypeCode.Char:
                return "a string";
            case TypeCode.DateTime:
                return "a date string";
        }

        if (type == typeof(Guid))
        {
            return "a GUID string";
        }

        return type == typeof(DateTimeOffset) || type == typeof(TimeSpan) ? "a date or time string" : null;
    }
}
