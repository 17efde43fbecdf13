namespace Upres.Engine.Models.Onnx;

// The names mirror onnx.proto's data types (FLOAT, UINT8, INT64...), which is the point.
#pragma warning disable CA1720

/// onnx.proto's TensorProto.DataType, same numbers (the ones we write).
public enum OnnxElementType
{
    Float = 1,
    UInt8 = 2,
    Int64 = 7,
    Float16 = 10,
}
