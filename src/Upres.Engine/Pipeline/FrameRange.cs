namespace Upres.Engine.Pipeline;

/// Frames [First, First + Count) of a plan's output, counted as a single run would number them.
public readonly record struct FrameRange(int First, int Count)
{
    public int End => First + Count;
}
