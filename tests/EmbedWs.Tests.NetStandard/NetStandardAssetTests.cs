using System.Reflection;
using System.Runtime.Versioning;

namespace EmbedWs.Tests;

/// <summary>The tests of this project run against the library's netstandard2.1 build, and no other.</summary>
public class NetStandardAssetTests
{
    [Test]
    public void LoadedLibrary_IsTheNetStandard21Build()
    {
        var assembly = typeof(WsServer).Assembly;

        Assert.That(assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName, Is.EqualTo(".NETStandard,Version=v2.1"));
        Assert.That(assembly.Location, Does.Contain("netstandard2.1").Or.EndWith("EmbedWs.dll"));
        Assert.That(assembly.GetType("EmbedWs.SystemTextJsonWsSerializer"), Is.Null, "the .NET 8+ serializer is not in the netstandard2.1 asset");
    }
}
