using System.Linq;
using System.Threading;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Groups;

/// <summary>Group bookkeeping (DESIGN §3): membership, empty groups removed, many threads at once.</summary>
public class WsGroupsTests
{
    private WsGroups _groups = null!;

    [SetUp]
    public void SetUp() => _groups = new WsServer(new WsServerOptions()).Groups;

    [Test]
    public void Add_NewMember_ShowsInMembersCountNamesAndGroupsOf()
    {
        var a = new FakeConnection(1);
        var b = new FakeConnection(2);

        Assert.That(_groups.Add(a, "lobby"), Is.True);
        Assert.That(_groups.Add(b, "lobby"), Is.True);
        Assert.That(_groups.Add(a, "red team"), Is.True);

        Assert.That(_groups.Members("lobby"), Is.EquivalentTo(new IWsConnection[] { a, b }));
        Assert.That(_groups.Count("lobby"), Is.EqualTo(2));
        Assert.That(_groups.Count("red team"), Is.EqualTo(1));
        Assert.That(_groups.Names, Is.EquivalentTo(new[] { "lobby", "red team" }));
        Assert.That(_groups.GroupsOf(a), Is.EquivalentTo(new[] { "lobby", "red team" }));
        Assert.That(_groups.GroupsOf(b), Is.EquivalentTo(new[] { "lobby" }));
    }

    [Test]
    public void Add_AlreadyMember_ReturnsFalseAndCountsOnce()
    {
        var a = new FakeConnection(1);
        _groups.Add(a, "lobby");

        Assert.That(_groups.Add(a, "lobby"), Is.False);
        Assert.That(_groups.Count("lobby"), Is.EqualTo(1));
    }

    [Test]
    public void Add_ClosedConnection_ReturnsFalseAndJoinsNothing()
    {
        var closed = new FakeConnection(1) { State = WsConnectionState.Closed };

        Assert.That(_groups.Add(closed, "lobby"), Is.False);
        Assert.That(_groups.Names, Is.Empty);
        Assert.That(_groups.GroupsOf(closed), Is.Empty);
    }

    [Test]
    public void Add_NullConnectionOrEmptyName_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => _groups.Add(null!, "lobby"));
        Assert.Throws<ArgumentException>(() => _groups.Add(new FakeConnection(1), ""));
    }

    [Test]
    public void Remove_LastMember_GroupDisappears()
    {
        var a = new FakeConnection(1);
        _groups.Add(a, "lobby");

        Assert.That(_groups.Remove(a, "lobby"), Is.True);

        Assert.That(_groups.Names, Is.Empty);
        Assert.That(_groups.Count("lobby"), Is.Zero);
        Assert.That(_groups.Members("lobby"), Is.Empty);
        Assert.That(_groups.GroupsOf(a), Is.Empty);
    }

    [Test]
    public void Remove_OneOfTwoMembers_GroupStays()
    {
        var a = new FakeConnection(1);
        var b = new FakeConnection(2);
        _groups.Add(a, "lobby");
        _groups.Add(b, "lobby");

        _groups.Remove(a, "lobby");

        Assert.That(_groups.Members("lobby"), Is.EquivalentTo(new IWsConnection[] { b }));
        Assert.That(_groups.Names, Is.EquivalentTo(new[] { "lobby" }));
    }

    [Test]
    public void Remove_NotAMember_ReturnsFalse()
    {
        var a = new FakeConnection(1);
        _groups.Add(new FakeConnection(2), "lobby");

        Assert.That(_groups.Remove(a, "lobby"), Is.False);
        Assert.That(_groups.Remove(a, "nowhere"), Is.False);
        Assert.That(_groups.Count("lobby"), Is.EqualTo(1));
    }

    [Test]
    public void Queries_UnknownGroupOrConnection_AreEmpty()
    {
        Assert.That(_groups.Members("nowhere"), Is.Empty);
        Assert.That(_groups.Count("nowhere"), Is.Zero);
        Assert.That(_groups.GroupsOf(new FakeConnection(5)), Is.Empty);
    }

    [Test]
    public async Task AddAndRemove_FromManyThreads_EndConsistent()
    {
        const int Threads = 8, PerThread = 25, Rounds = 200;
        string[] names = { "a", "b", "c", "d" };
        var connections = Enumerable.Range(1, Threads * PerThread).Select(i => new FakeConnection(i)).ToArray();
        using var start = new Barrier(Threads);

        // Each thread churns its own connections through every group and the shared "hot" one,
        // then leaves each connection in a known set: groups a and c for even ids, b for odd ids.
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            var mine = connections.Skip(t * PerThread).Take(PerThread).ToArray();
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            for (int round = 0; round < Rounds; round++)
            {
                foreach (var c in mine)
                {
                    _groups.Add(c, "hot");
                    _groups.Add(c, names[(round + (int)c.Id) % names.Length]);
                    _groups.Remove(c, names[(round + 1 + (int)c.Id) % names.Length]);
                    _groups.Remove(c, "hot");
                }
            }

            foreach (var c in mine)
            {
                foreach (var name in names)
                {
                    _groups.Remove(c, name);
                }

                if (c.Id % 2 == 0)
                {
                    _groups.Add(c, "a");
                    _groups.Add(c, "c");
                }
                else
                {
                    _groups.Add(c, "b");
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        var all = Task.WhenAll(workers);
        Assert.That(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(20))), Is.SameAs(all), "the workers did not finish in time");
        await all;

        var even = connections.Where(c => c.Id % 2 == 0).ToArray();
        var odd = connections.Where(c => c.Id % 2 == 1).ToArray();
        Assert.That(_groups.Names, Is.EquivalentTo(new[] { "a", "b", "c" }), "\"hot\" and \"d\" are empty and must be gone");
        Assert.That(_groups.Members("a"), Is.EquivalentTo(even));
        Assert.That(_groups.Members("c"), Is.EquivalentTo(even));
        Assert.That(_groups.Members("b"), Is.EquivalentTo(odd));
        Assert.That(_groups.Count("a"), Is.EqualTo(even.Length));
        foreach (var c in connections)
        {
            Assert.That(_groups.GroupsOf(c), Is.EquivalentTo(c.Id % 2 == 0 ? new[] { "a", "c" } : new[] { "b" }), c.ToString());
        }
    }
}
