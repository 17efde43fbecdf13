namespace Upres.Engine.Models.Conversion;

/// PackedBytes: the graph takes and returns whole 8-bit frames as ffmpeg pipes them (uint8
/// [1,H,W,3], RGB), converting to and from the network's [N,3,H,W] floats in 0..1 inside the graph,
/// so a GPU receives bytes and does the conversion itself. HalfPrecision: weights and activations
/// in float16 (see OnnxGraphBuilder). PortableOperators: only operators WebGPU has kernels for
/// (PRelu becomes Where(x > 0, x, x * slope); a nearest upscale by a whole factor r, Tile and
/// DepthToSpace; a bicubic halving, an edge Pad and one strided convolution), the same numbers.
public sealed record ConversionOptions(
    int Scale,
    InputFraming Framing,
    string InputName = "input",
    string OutputName = "output",
    bool PackedBytes = false,
    bool HalfPrecision = false,
    bool PortableOperators = false);
