namespace EmbedWs.Samples.Mono;

// Plain classes: Newtonsoft.Json (the default serializer) binds them by reflection, as on Unity.
public sealed class AddRequest
{
    public int A { get; set; }

    public int B { get; set; }
}

public sealed class AddReply
{
    public int Sum { get; set; }
}

public sealed class RoomJoin
{
    public string Room { get; set; } = "";
}

public sealed class RoomSay
{
    public string Room { get; set; } = "";

    public string Text { get; set; } = "";
}

public sealed class RoomMessage
{
    public long From { get; set; }

    public string Text { get; set; } = "";
}

public sealed class LoopCheck
{
    public bool OnLoopThread { get; set; }

    public long Frames { get; set; }
}
