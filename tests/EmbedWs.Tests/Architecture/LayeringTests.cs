using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;

namespace EmbedWs.Tests.Architecture;

/// <summary>
/// docs/architecture.md: layers depend downward only. Every type of the library is checked: its base
/// types, interfaces, fields, signatures, and every type its method bodies touch.
/// </summary>
public class LayeringTests
{
    // Lower rank = lower layer, by namespace: each folder keeps its internal types in a namespace
    // of its own. The root namespace (EmbedWs) is the facade: the server and its per-connection state.
    private static readonly Dictionary<string, int> s_rank = new()
    {
        ["EmbedWs.Protocol"] = 0,
        ["EmbedWs.Json"] = 0,
        ["EmbedWs.Transport"] = 1,
        ["EmbedWs.Heartbeat"] = 2,
        ["EmbedWs.Dispatch"] = 3,
        ["EmbedWs.Routing"] = 3,
        ["EmbedWs"] = 4,
        ["EmbedWs.Dashboard"] = 4,
    };

    // Every public type is in namespace EmbedWs, the one namespace an app needs (docs/architecture.md), so
    // its namespace does not say its layer. These types of namespace EmbedWs live below the
    // facade: the contract every layer speaks (data and interfaces users see, and the frozen
    // settings) at the bottom, beside the pure protocol and JSON code; the built-in heartbeat
    // policies with the heartbeat. Any other type of namespace EmbedWs is the facade's.
    private const int Contract = 0;

    private static readonly Dictionary<string, int> s_homes = new()
    {
        ["WsCloseCodes"] = Contract,
        ["WsMessage"] = Contract,
        ["WsMessageType"] = Contract,
        ["WsCloseInfo"] = Contract,
        ["WsCloseCause"] = Contract,
        ["WsConnectionState"] = Contract,
        ["WsConnectionInfo"] = Contract,
        ["WsAcceptContext"] = Contract,
        ["WsUpgradeRequest"] = Contract,
        ["WsUpgradeDecision"] = 1,
        ["WsHttpResponse"] = Contract,
        ["IWsConnection"] = Contract,
        ["WsDelivery"] = Contract,
        ["WsDeliveryKind"] = Contract,
        ["WsRateLimitPolicy"] = Contract,
        ["WsNetworkConditions"] = Contract,
        ["IHeartbeatPolicy"] = Contract,
        ["HeartbeatPeer"] = Contract,
        ["IHeartbeatTarget"] = Contract,
        ["EventDispatch"] = Contract,
        ["IWsJsonSerializer"] = Contract,
        ["WsEnvelope"] = Contract,
        ["WsRoutingErrors"] = Contract,
        ["NewtonsoftWsSerializer"] = Contract,
        ["WsRoutingException"] = Contract,
        ["WsReplyException"] = Contract,
        ["WsSettings"] = Contract,
        ["HeartbeatPolicy"] = 2,
    };

    private static readonly Dictionary<short, OpCode> s_opcodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Test]
    public void Library_LowerLayers_DoNotUseHigherLayers()
    {
        var assembly = typeof(IWsConnection).Assembly;
        var violations = new SortedSet<string>();
        foreach (var type in assembly.GetTypes())
        {
            int? rank = Rank(type);
            if (rank is null)
            {
                continue;
            }

            foreach (var used in UsedTypes(type))
            {
                if (used.Assembly == assembly && Rank(used) is int usedRank && usedRank > rank)
                {
                    violations.Add($"{type.FullName} ({type.Namespace}) uses {used.FullName} ({used.Namespace})");
                }
            }
        }

        Assert.That(violations, Is.Empty, string.Join("\n", violations));
    }

    [Test]
    public void Library_EveryNamespace_IsAKnownLayer()
    {
        var unknown = typeof(IWsConnection).Assembly.GetTypes()
            .Select(t => t.Namespace)
            .Where(ns => ns is not null && ns.StartsWith("EmbedWs") && !s_rank.ContainsKey(ns))
            .Distinct()
            .ToList();
        Assert.That(unknown, Is.Empty, "add new layers to the rank table and to docs/architecture.md");
    }

    [Test]
    public void Library_EveryPublicType_IsInTheUserNamespace()
    {
        var elsewhere = typeof(IWsConnection).Assembly.GetExportedTypes()
            .Where(t => t.Namespace != "EmbedWs")
            .Select(t => t.FullName)
            .ToList();
        Assert.That(elsewhere, Is.Empty, "`using EmbedWs;` must be all an app needs");
    }

    [Test]
    public void Library_NoTypeIsNamedLikeANamespace()
    {
        var assembly = typeof(IWsConnection).Assembly;
        var namespaces = assembly.GetTypes().Select(t => t.Namespace).Where(n => n is not null).Select(n => n!.Split('.').Last()).ToHashSet();
        var clashes = assembly.GetExportedTypes().Where(t => namespaces.Contains(t.Name)).Select(t => t.FullName).ToList();
        Assert.That(clashes, Is.Empty);
    }

    [Test]
    public void Library_HomeTable_NamesOnlyTypesOfTheUserNamespace()
    {
        var names = typeof(IWsConnection).Assembly.GetTypes().Where(t => t.Namespace == "EmbedWs").Select(t => t.Name).ToHashSet();
        Assert.That(s_homes.Keys.Where(k => !names.Contains(k)), Is.Empty, "a renamed or removed type is still in s_homes");
    }

    private static int? Rank(System.Type type)
    {
        // A by-ref or array type is its element's; a nested type (a state machine, a closure)
        // is part of the type that declares it.
        while (type.HasElementType)
        {
            type = type.GetElementType()!;
        }

        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        if (type.Namespace == "EmbedWs" && s_homes.TryGetValue(StripArity(type.Name), out int home))
        {
            return home;
        }

        return type.Namespace is { } ns && s_rank.TryGetValue(ns, out int r) ? r : null;
    }

    private static string StripArity(string name) => name.IndexOf('`') is int tick and >= 0 ? name.Substring(0, tick) : name;

    private static IEnumerable<System.Type> UsedTypes(System.Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new HashSet<System.Type>();
        void Add(System.Type? t)
        {
            if (t is null || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsGenericType)
            {
                foreach (var a in t.GetGenericArguments())
                {
                    Add(a);
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var f in type.GetFields(all))
        {
            Add(f.FieldType);
        }

        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi)
            {
                Add(mi.ReturnType);
            }

            foreach (var p in m.GetParameters())
            {
                Add(p.ParameterType);
            }

            foreach (var t in BodyTypes(m))
            {
                Add(t);
            }
        }

        return found;
    }

    /// <summary>The types a method body refers to through its IL operands.</summary>
    private static IEnumerable<System.Type> BodyTypes(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var module = method.Module;
        System.Type[]? typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        System.Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos] == 0xFE ? (short)(0xFE00 | il[pos + 1]) : il[pos];
            pos += il[pos] == 0xFE ? 2 : 1;
            var op = s_opcodes[value];
            int token = 0;
            switch (op.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: pos += 1; break;
                case OperandType.InlineVar: pos += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: pos += 8; break;
                case OperandType.InlineSwitch: pos += 4 + (4 * System.BitConverter.ToInt32(il, pos)); break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    token = System.BitConverter.ToInt32(il, pos);
                    pos += 4;
                    break;
                default: pos += 4; break;
            }

            if (token == 0)
            {
                continue;
            }

            MemberInfo? member = null;
            try
            {
                member = module.ResolveMember(token, typeArgs, methodArgs);
            }
            catch (System.ArgumentException)
            {
                // Tokens in generic contexts that cannot be resolved here; signatures cover them.
            }

            if (member?.DeclaringType is { } declaring)
            {
                yield return declaring;
            }

            if (member is System.Type t)
            {
                yield return t;
            }
            else if (member is FieldInfo f)
            {
                yield return f.FieldType;
            }
        }
    }
}
