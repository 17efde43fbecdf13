namespace Upres.Engine.Models.Onnx;

// The nested names mirror ONNX's attribute types (INT, FLOAT, STRING...), which is the point.
#pragma warning disable CA1720

/// A node attribute; the nested records are the ONNX attribute types the converters need.
public abstract record OnnxAttribute(string Name)
{
    public sealed record Int(string Name, long Value) : OnnxAttribute(Name);

    public sealed record Float(string Name, float Value) : OnnxAttribute(Name);

    public sealed record Ints(string Name, long[] Values) : OnnxAttribute(Name);

    public sealed record Floats(string Name, float[] Values) : OnnxAttribute(Name);

    public sealed record String(string Name, string Value) : OnnxAttribute(Name);
}
