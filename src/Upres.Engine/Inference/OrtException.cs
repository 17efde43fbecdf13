namespace Upres.Engine.Inference;

/// An error status returned by ONNX Runtime.
public sealed class OrtException : Exception
{
    public OrtException(OrtErrorCode code, string message)
        : base($"ONNX Runtime {code}: {message}")
    {
        Code = code;
        RuntimeMessage = message;
    }

    public OrtErrorCode Code { get; }

    /// The runtime's own text, without our prefix.
    public string RuntimeMessage { get; }
}
