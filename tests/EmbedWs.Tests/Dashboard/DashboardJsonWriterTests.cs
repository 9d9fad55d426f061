using EmbedWs.Dashboard;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.Dashboard;

/// <summary>The dashboard's own JSON writer: commas, escapes, numbers, read back by a real parser.</summary>
public class DashboardJsonWriterTests
{
    [Test]
    public void Write_NestedValues_IsJsonThatReadsBack()
    {
        var w = new DashboardJsonWriter();
        w.WriteStartObject();
        w.WritePropertyName("a");
        w.WriteStartArray();
        w.WriteValue(1L);
        w.WriteValue(2.345);
        w.WriteValue((object?)null);
        w.WriteValue(true);
        w.WriteStartArray();
        w.WriteEndArray();
        w.WriteEndArray();
        w.WritePropertyName("b");
        w.WriteStartObject();
        w.WriteEndObject();
        w.WriteEndObject();

        Assert.That(w.ToString(), Is.EqualTo("{\"a\":[1,2.35,null,true,[]],\"b\":{}}"));
    }

    [TestCase("plain", "\"plain\"")]
    [TestCase("q\"b\\", "\"q\\\"b\\\\\"")]
    [TestCase("line\nnul\0", "\"line\\u000anul\\u0000\"")]
    [TestCase("</script>é🌍", "\"</script>é🌍\"")]
    public void WriteValue_String_EscapesWhatJsonRequires(string value, string json)
    {
        var w = new DashboardJsonWriter();
        w.WriteValue(value);

        Assert.That(w.ToString(), Is.EqualTo(json));
        Assert.That((string?)JToken.Parse(json), Is.EqualTo(value));
    }

    [TestCase(double.NaN, "0")]
    [TestCase(double.PositiveInfinity, "0")]
    [TestCase(1e6, "1000000")]
    [TestCase(-0.004, "0")]
    public void WriteValue_Double_IsAlwaysAJsonNumber(double value, string json)
    {
        var w = new DashboardJsonWriter();
        w.WriteValue(value);

        Assert.That(w.ToString(), Is.EqualTo(json));
    }
}
