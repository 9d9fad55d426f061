using EmbedWs.Samples.GameLoop;

namespace EmbedWs.Tests.Samples;

public class WorldTests
{
    [Test]
    public void Step_MovesEachPlayerByItsVelocityOverTheTickRate()
    {
        var world = new World(tickRate: 10);
        world.Spawn(1, 50, 50);
        world.SetVelocity(1, 10, -20);

        world.Step();

        Assert.That(world.Tick, Is.EqualTo(1));
        Assert.That(world.Find(1), Is.EqualTo(new PlayerState(1, "player1", 51, 48)));
    }

    [Test]
    public void SetVelocity_FasterThanMaxSpeed_KeepsDirectionAtMaxSpeed()
    {
        var world = new World(tickRate: 1);
        world.Spawn(1, 10, 10);

        world.SetVelocity(1, 300, 400);
        world.Step();

        // 500 units/s along (3, 4) becomes 40: (24, 32) in one second.
        Assert.That(world.Find(1), Is.EqualTo(new PlayerState(1, "player1", 34, 42)));
    }

    [Test]
    public void Step_AtTheEdge_StaysOnTheField()
    {
        var world = new World(tickRate: 1);
        world.Spawn(1, 99, 1);
        world.SetVelocity(1, World.MaxSpeed, -World.MaxSpeed);

        world.Step();

        Assert.That(world.Find(1), Is.EqualTo(new PlayerState(1, "player1", World.Size, 0)));
    }

    [TestCase(double.NaN, 0)]
    [TestCase(double.PositiveInfinity, 0)]
    [TestCase(0, double.NegativeInfinity)]
    public void SetVelocity_NotFinite_CountsAsZero(double dx, double dy)
    {
        var world = new World(tickRate: 1);
        world.Spawn(1, 50, 50);

        world.SetVelocity(1, dx, dy);
        world.Step();

        Assert.That(world.Find(1), Is.EqualTo(new PlayerState(1, "player1", 50, 50)));
    }

    [Test]
    public void Spawn_AtRandom_IsOnTheField()
    {
        var world = new World(tickRate: 20, seed: 7);

        for (long id = 1; id <= 100; id++)
        {
            var p = world.Spawn(id);
            Assert.That(p.X, Is.InRange(0, World.Size));
            Assert.That(p.Y, Is.InRange(0, World.Size));
        }

        Assert.That(world.PlayerCount, Is.EqualTo(100));
    }

    [TestCase("  ann  ", "ann")]
    [TestCase("a\u0000n\nn", "ann")]
    [TestCase("   ", "player1")]
    [TestCase(null, "player1")]
    [TestCase("abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwx")]
    public void Rename_CleansTheName_AndKeepsTheOldOneWhenNothingIsLeft(string? name, string expected)
    {
        var world = new World(tickRate: 20);
        world.Spawn(1, 0, 0);

        Assert.That(world.Rename(1, name), Is.EqualTo(expected));
        Assert.That(world.Find(1)!.Name, Is.EqualTo(expected));
    }

    [Test]
    public void UnknownPlayer_IsReportedNotThrown()
    {
        var world = new World(tickRate: 20);

        Assert.That(world.SetVelocity(9, 1, 1), Is.False);
        Assert.That(world.Rename(9, "x"), Is.Null);
        Assert.That(world.Remove(9), Is.False);
        Assert.That(world.Find(9), Is.Null);
    }

    [Test]
    public void Snapshot_HasTheTickAndEveryPlayer_AndRemoveTakesOneOut()
    {
        var world = new World(tickRate: 20);
        world.Spawn(1, 1.234, 5.678);
        world.Spawn(2, 3, 4);
        world.Step();

        world.Remove(2);
        var state = world.Snapshot();

        Assert.That(state.Tick, Is.EqualTo(1));
        Assert.That(state.Players, Is.EqualTo(new[] { new PlayerState(1, "player1", 1.23, 5.68) }));
    }
}
