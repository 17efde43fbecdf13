namespace Upres.Engine.Pipeline;

/// One upscaled frame range, encoded on its own (Matroska, video only), waiting to be joined.
public sealed record VideoSegment(string Path, FrameRange Range);
