using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace EmbedWs.Dashboard;

/// <summary>
/// A small JSON writer (RFC 8259) for the dashboard's messages: objects, arrays, strings, numbers,
/// null, with the commas placed by itself. Its own rather than a serializer's, so that the
/// dashboard adds no reflection (Native AOT apps that drop Newtonsoft.Json keep it) and works on
/// every target framework.
/// </summary>
internal sealed class DashboardJsonWriter
{
    private readonly StringBuilder _text = new(1024);

    // Per open container: whether a value was written in it (the next one needs a comma).
    private readonly Stack<bool> _written = new();
    private bool _afterName;

    /// <summary>The characters written so far.</summary>
    public int Length => _text.Length;

    public void WriteStartObject() => Open('{');

    public void WriteEndObject() => Close('}');

    public void WriteStartArray() => Open('[');

    public void WriteEndArray() => Close(']');

    public void WritePropertyName(string name)
    {
        BeforeValue();
        WriteString(name);
        _text.Append(':');
        _afterName = true;
    }

    public void WriteValue(string? value)
    {
        BeforeValue();
        if (value is null)
        {
            _text.Append("null");
        }
        else
        {
            WriteString(value);
        }
    }

    public void WriteValue(long value)
    {
        BeforeValue();
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A finite number with up to 2 decimals; NaN and infinities (which JSON cannot hold) as 0.</summary>
    public void WriteValue(double value)
    {
        BeforeValue();
        double rounded = double.IsNaN(value) || double.IsInfinity(value) ? 0 : Math.Round(value, 2);
        _text.Append(rounded == 0 ? "0" : rounded.ToString("0.##", CultureInfo.InvariantCulture)); // no "-0"
    }

    public void WriteValue(bool value)
    {
        BeforeValue();
        _text.Append(value ? "true" : "false");
    }

    /// <summary>A column's value: null, a string, a whole number, a number, a bool, or else its text.</summary>
    public void WriteValue(object? value)
    {
        switch (value)
        {
            case null:
                WriteValue((string?)null);
                break;
            case string s:
                WriteValue(s);
                break;
            case int or long or short or ushort or uint or byte:
                WriteValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                WriteValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case bool b:
                WriteValue(b);
                break;
            default:
                WriteValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    public override string ToString() => _text.ToString();

    private void Open(char bracket)
    {
        BeforeValue();
        _text.Append(bracket);
        _written.Push(false);
    }

    private void Close(char bracket)
    {
        _written.Pop();
        _text.Append(bracket);
    }

    private void BeforeValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }

        if (_written.Count > 0)
        {
            if (_written.Peek())
            {
                _text.Append(',');
            }
            else
            {
                _written.Pop();
                _written.Push(true);
            }
        }
    }

    // RFC 8259 §7: quotation mark, reverse solidus and the control characters are escaped.
    private void WriteString(string value)
    {
        _text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    _text.Append("\\\"");
                    break;
                case '\\':
                    _text.Append("\\\\");
                    break;
                case < ' ':
                    _text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    _text.Append(c);
                    break;
            }
        }

        _text.Append('"');
    }
}
