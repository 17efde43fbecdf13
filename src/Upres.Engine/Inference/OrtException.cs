using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Upres.Engine.Inference;

/// An error status returned by ONNX Runtime, with its code.
public sealed class OrtException : Exception
{
    private const string CodePrefix = "[ErrorCode:";

    public OrtException(OrtErrorCode code, string message, Exception? innerException = null)
        : base($"ONNX Runtime {code}: {message}", innerException)
    {
        Code = code;
        RuntimeMessage = message;
    }

    public OrtErrorCode Code { get; }

    /// The runtime's own text, without our prefix.
    public string RuntimeMessage { get; }

    /// The managed binding keeps its ErrorCode enum internal and puts the code only into the
    /// message ("[ErrorCode:InvalidProtobuf] ..."), so the code is read back from there.
    public static OrtException From(OnnxRuntimeException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var text = e.Message;
        var code = OrtErrorCode.Fail;
        if (text.StartsWith(CodePrefix, StringComparison.Ordinal) && text.IndexOf(']', StringComparison.Ordinal) is > 0 and var end)
        {
            var name = text[CodePrefix.Length..end];
            if (Enum.TryParse<OrtErrorCode>(name, ignoreCase: false, out var parsed))
            {
                code = parsed;
            }
            else if (int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                code = (OrtErrorCode)number;
            }

            text = text[(end + 1)..].TrimStart();
        }

        return new OrtException(code, text, e);
    }
}
