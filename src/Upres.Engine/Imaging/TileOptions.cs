namespace Upres.Engine.Imaging;

/// What a tile sees past the frame's edge.
public enum TileBorder
{
    /// Nothing: edge tiles are cut at the frame, so the model frames them as it would untiled
    /// (the converted models carry the reference binaries' reflect pre-padding) and the result
    /// equals an untiled run.
    None,

    /// Edge pixels repeated, as realesrgan-ncnn-vulkan pads its tiles.
    Replicate,

    /// Mirrored without repeating the edge pixel, as the PyTorch Real-ESRGAN pre-pads.
    Reflect,
}

public sealed record TileOptions
{
    public static TileOptions Default { get; } = new();

    /// Largest tile edge in input pixels, before the overlap. The frame is split into equal tiles
    /// no larger than this, so a 640-pixel row with 512 here becomes two tiles of 320.
    public int TileSize { get; init; } = 512;

    /// Context in input pixels added around each tile and thrown away after inference. At least
    /// the model's receptive radius gives seams identical to an untiled run.
    public int Overlap { get; init; } = 16;

    public TileBorder Border { get; init; } = TileBorder.None;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TileSize, 8, nameof(TileSize));
        ArgumentOutOfRangeException.ThrowIfNegative(Overlap, nameof(Overlap));
    }
}
