using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using NSubstitute;

namespace EmbedWs.Tests.Groups;

/// <summary>Group bookkeeping (DESIGN §3): membership, empty groups removed, many threads at once.</summary>
public class WsGroupsTests
{
    private RecordingServer _server = null!;
    private readonly List<JsonClient> _clients = new();
    private WsGroups _groups = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await RecordingServer.StartAsync();
        _groups = _server.Server.Groups;
    }

    [TearDown]
    public async Task TearDown()
    {
        _clients.ForEach(c => c.Dispose());
        _clients.Clear();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Add_NewMember_ShowsInMembersCountNamesAndGroupsOf()
    {
        var (a, b) = (await ConnectAsync(), await ConnectAsync());

        Assert.That(_groups.Add(a, "lobby"), Is.True);
        Assert.That(_groups.Add(b, "lobby"), Is.True);
        Assert.That(_groups.Add(a, "red team"), Is.True);

        Assert.That(_groups.Members("lobby"), Is.EquivalentTo(new[] { a, b }));
        Assert.That(_groups.Count("lobby"), Is.EqualTo(2));
        Assert.That(_groups.Count("red team"), Is.EqualTo(1));
        Assert.That(_groups.Names, Is.EquivalentTo(new[] { "lobby", "red team" }));
        Assert.That(_groups.GroupsOf(a), Is.EquivalentTo(new[] { "lobby", "red team" }));
        Assert.That(_groups.GroupsOf(b), Is.EquivalentTo(new[] { "lobby" }));
    }

    [Test]
    public async Task Add_AlreadyMember_ReturnsFalseAndCountsOnce()
    {
        var a = await ConnectAsync();
        _groups.Add(a, "lobby");

        Assert.That(_groups.Add(a, "lobby"), Is.False);
        Assert.That(_groups.Count("lobby"), Is.EqualTo(1));
    }

    [Test]
    public async Task Add_ClosedConnection_ReturnsFalseAndJoinsNothing()
    {
        var closed = await ConnectAsync();
        await _clients[0].CloseAsync();
        await _server.CloseOfAsync(closed);

        Assert.That(_groups.Add(closed, "lobby"), Is.False);
        Assert.That(_groups.Names, Is.Empty);
        Assert.That(_groups.GroupsOf(closed), Is.Empty);
    }

    [Test]
    public async Task Add_NullConnectionOrEmptyName_Throws()
    {
        var connection = await ConnectAsync();
        Assert.Throws<ArgumentNullException>(() => _groups.Add(null!, "lobby"));
        Assert.Throws<ArgumentException>(() => _groups.Add(connection, ""));
    }

    [Test]
    public void Add_ConnectionOfNoServer_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => _groups.Add(Substitute.For<IWsConnection>(), "lobby"));
        Assert.That(error!.Message, Does.Contain("not one of this server's connections"));
    }

    [Test]
    public async Task Remove_LastMember_GroupDisappears()
    {
        var a = await ConnectAsync();
        _groups.Add(a, "lobby");

        Assert.That(_groups.Remove(a, "lobby"), Is.True);

        Assert.That(_groups.Names, Is.Empty);
        Assert.That(_groups.Count("lobby"), Is.Zero);
        Assert.That(_groups.Members("lobby"), Is.Empty);
        Assert.That(_groups.GroupsOf(a), Is.Empty);
    }

    [Test]
    public async Task Remove_OneOfTwoMembers_GroupStays()
    {
        var (a, b) = (await ConnectAsync(), await ConnectAsync());
        _groups.Add(a, "lobby");
        _groups.Add(b, "lobby");

        _groups.Remove(a, "lobby");

        Assert.That(_groups.Members("lobby"), Is.EquivalentTo(new[] { b }));
        Assert.That(_groups.Names, Is.EquivalentTo(new[] { "lobby" }));
    }

    [Test]
    public async Task Remove_NotAMember_ReturnsFalse()
    {
        var (a, b) = (await ConnectAsync(), await ConnectAsync());
        _groups.Add(b, "lobby");

        Assert.That(_groups.Remove(a, "lobby"), Is.False);
        Assert.That(_groups.Remove(a, "nowhere"), Is.False);
        Assert.That(_groups.Count("lobby"), Is.EqualTo(1));
    }

    [Test]
    public async Task Queries_UnknownGroupOrConnectionInNone_AreEmpty()
    {
        Assert.That(_groups.Members("nowhere"), Is.Empty);
        Assert.That(_groups.Count("nowhere"), Is.Zero);
        Assert.That(_groups.GroupsOf(await ConnectAsync()), Is.Empty);
    }

    [Test]
    public async Task AddAndRemove_FromManyThreads_EndConsistent()
    {
        const int Threads = 8, PerThread = 8, Rounds = 400;
        string[] names = { "a", "b", "c", "d" };
        var connections = new IWsConnection[Threads * PerThread];
        for (int i = 0; i < connections.Length; i++)
        {
            connections[i] = await ConnectAsync();
        }

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

    // A real connection of the server, its client kept open until the test ends.
    private async Task<IWsConnection> ConnectAsync()
    {
        _clients.Add(await JsonClient.ConnectAsync(_server.Port));
        return await _server.NextConnectionAsync();
    }
}
