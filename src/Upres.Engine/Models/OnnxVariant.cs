namespace Upres.Engine.Models;

/// Which ONNX graph a model is converted to.
public enum OnnxVariant
{
    /// float32 [N,3,H,W] in 0..1 in and out: the CPU path and the reference.
    PlanarFloat32,

    /// uint8 [1,H,W,3] in and out with fp16 weights and activations: the GPU path (bytes uploaded,
    /// converted on the device).
    PackedFloat16,

    /// PackedFloat16 with only the operators WebGPU has kernels for (ConversionOptions.PortableOperators).
    PackedFloat16Portable,
}
