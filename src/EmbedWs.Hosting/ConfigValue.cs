using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace EmbedWs.Hosting;

/// <summary>
/// Parses one configuration value and sets it, or throws an <see cref="InvalidOperationException"/>
/// that names the full key and the value. A key whose value is null or empty (and that has no
/// children) counts as not set: the option keeps its default.
/// </summary>
internal static class ConfigValue
{
    /// <summary>A whole number, invariant culture.</summary>
    public static void Int(IConfigurationSection section, Action<int> set)
    {
        if (Scalar(section) is not { } text)
        {
            return;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            throw Error(section, $"= '{text}' is not a whole number.");
        }

        Set(section, text, () => set(value));
    }

    /// <summary>A positive duration as <c>[d.]hh:mm:ss[.fffffff]</c>.</summary>
    public static void Duration(IConfigurationSection section, Action<TimeSpan> set)
    {
        if (TryDuration(section) is { } value)
        {
            Set(section, section.Value, () => set(value));
        }
    }

    /// <summary>
    /// A positive duration, or null when not set. A bare number is refused: TimeSpan would read
    /// "15" as 15 days, which for a timeout is never what was meant.
    /// </summary>
    public static TimeSpan? TryDuration(IConfigurationSection section)
    {
        if (Scalar(section) is not { } text)
        {
            return null;
        }

        if (text.IndexOf(':') < 0 || !TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(section, $"= '{text}' is not a duration; write hh:mm:ss, e.g. \"00:00:15\" for 15 seconds or \"00:00:00.500\" for half a second.");
        }

        if (value <= TimeSpan.Zero)
        {
            throw Error(section, $"= '{text}' is not valid: the duration must be positive.");
        }

        return value;
    }

    /// <summary>true or false, any case.</summary>
    public static void Bool(IConfigurationSection section, Action<bool> set)
    {
        if (Scalar(section) is not { } text)
        {
            return;
        }

        if (!bool.TryParse(text, out bool value))
        {
            throw Error(section, $"= '{text}' is not true or false.");
        }

        Set(section, text, () => set(value));
    }

    /// <summary>A positive duration as <c>[d.]hh:mm:ss[.fffffff]</c>, or <c>Infinite</c> for none.</summary>
    public static void DurationOrInfinite(IConfigurationSection section, Action<TimeSpan> set)
    {
        if (Scalar(section) is { } text && text.Equals("Infinite", StringComparison.OrdinalIgnoreCase))
        {
            Set(section, text, () => set(System.Threading.Timeout.InfiniteTimeSpan));
            return;
        }

        Duration(section, set);
    }

    /// <summary>An enum member by name, case-insensitive; flags as "A, B". Numbers are refused.</summary>
    public static void Enum<T>(IConfigurationSection section, Action<T> set)
        where T : struct, Enum
    {
        if (Scalar(section) is not { } text)
        {
            return;
        }

        string[] names = System.Enum.GetNames(typeof(T));
        bool named = text.Split(',').All(part => names.Contains(part.Trim(), StringComparer.OrdinalIgnoreCase));
        if (!named || !System.Enum.TryParse(text, ignoreCase: true, out T value))
        {
            throw Error(section, $"= '{text}' is not one of: {string.Join(", ", names)}.");
        }

        Set(section, text, () => set(value));
    }

    /// <summary>A <c>ws://</c> or <c>wss://</c> URL; host and port are checked when the server starts.</summary>
    public static void WsUrl(IConfigurationSection section, Action<string> set)
    {
        if (Scalar(section) is not { } text)
        {
            return;
        }

        if (!text.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("wss://", StringComparison.OrdinalIgnoreCase))
        {
            throw Error(section, $"= '{text}' is not a ws:// or wss:// URL, e.g. \"ws://127.0.0.1:8080\".");
        }

        Set(section, text, () => set(text));
    }

    /// <summary>
    /// A list of strings: an array (<c>["a", "b"]</c>, keys <c>:0</c>, <c>:1</c>, ...) or one
    /// comma-separated value (handy in environment variables). Null when not set.
    /// </summary>
    public static void List(IConfigurationSection section, Action<List<string>> set)
    {
        var children = section.GetChildren().ToList();
        List<string> items;
        if (children.Count == 0)
        {
            if (string.IsNullOrWhiteSpace(section.Value))
            {
                return;
            }

            items = section.Value!.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        }
        else
        {
            items = new List<string>(children.Count);
            foreach (var child in children)
            {
                if (Scalar(child) is not { } item)
                {
                    throw Error(child, "is empty; a list item must be a non-empty string.");
                }

                items.Add(item);
            }
        }

        Set(section, string.Join(", ", items), () => set(items));
    }

    /// <summary>The trimmed value, or null when not set; a section with children where one value belongs is an error.</summary>
    public static string? Scalar(IConfigurationSection section)
    {
        if (section.GetChildren().Any())
        {
            throw Error(section, "must be a single value, not a section.");
        }

        return string.IsNullOrWhiteSpace(section.Value) ? null : section.Value!.Trim();
    }

    /// <summary>Runs a setter; a value the options refuse (out of range) becomes an error naming the key.</summary>
    public static void Set(IConfigurationSection section, string? text, Action set)
    {
        try
        {
            set();
        }
        catch (ArgumentException ex)
        {
            throw Error(section, $"= '{text}' is not valid: {FirstLine(ex.Message)}", ex);
        }
    }

    public static InvalidOperationException Error(IConfigurationSection section, string problem, Exception? inner = null) =>
        new($"EmbedWs configuration: '{section.Path}' {problem}", inner);

    // ArgumentOutOfRangeException appends "(Parameter 'x')" and "Actual value was y." on more
    // lines; the first line is the options' own sentence.
    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(new[] { '\r', '\n' });
        string line = end < 0 ? message : message.Substring(0, end);
        int parameter = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter < 0 ? line : line.Substring(0, parameter);
    }
}
