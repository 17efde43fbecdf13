using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Upres.Engine.Inference;

/// One loaded model with a single float32 input and output (NCHW for our upscalers), on the
/// official managed binding. Run is safe to call from several threads; a cancelled token
/// terminates the run in progress (RunOptions.Terminate).
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly SessionGate _gate = new();

    private OnnxSession(InferenceSession session, InferenceOptions options)
    {
        _session = session;
        Options = options;
        _inputNames = [.. session.InputNames];
        _outputNames = [.. session.OutputNames];
        if (_inputNames.Length != 1 || _outputNames.Length != 1)
        {
            session.Dispose();
            throw new NotSupportedException(
                $"OnnxSession runs models with one input and one output; this one has {_inputNames.Length} and {_outputNames.Length}");
        }
    }

    public IReadOnlyList<string> InputNames => _inputNames;

    public IReadOnlyList<string> OutputNames => _outputNames;

    public InferenceOptions Options { get; }

    public static OnnxSession Create(string modelPath, InferenceOptions? options = null, OrtRuntime? runtime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"model file not found: {modelPath}", modelPath);
        }

        options ??= InferenceOptions.Default;
        return new OnnxSession(OrtSessions.Open(modelPath, null, options, runtime ?? OrtRuntime.Shared), options);
    }

    public static OnnxSession Create(ReadOnlySpan<byte> model, InferenceOptions? options = null, OrtRuntime? runtime = null)
    {
        if (model.IsEmpty)
        {
            throw new ArgumentException("the model is empty", nameof(model));
        }

        options ??= InferenceOptions.Default;
        return new OnnxSession(OrtSessions.Open(null, model.ToArray(), options, runtime ?? OrtRuntime.Shared), options);
    }

    /// Runs the model and returns a new output array; outputShape receives its dimensions.
    public unsafe float[] Run(ReadOnlySpan<float> input, ReadOnlySpan<long> inputShape, out long[] outputShape, CancellationToken cancellationToken)
    {
        CheckInput(input, inputShape);
        using var run = _gate.Enter();
        fixed (float* i = input)
        {
            using var inputValue = Tensor(i, input.Length, inputShape);
            using var outputs = OrtSessions.Run(_session, _inputNames, [inputValue], _outputNames, cancellationToken);
            var output = outputs[0];
            var info = output.GetTensorTypeAndShape();
            if (info.ElementDataType != TensorElementType.Float)
            {
                throw new NotSupportedException($"the model's output is {info.ElementDataType}; only float32 is supported");
            }

            outputShape = info.Shape;
            return output.GetTensorDataAsSpan<float>().ToArray();
        }
    }

    /// Runs the model writing straight into output, whose shape the caller states (an upscaler
    /// knows it: N, C, H x scale, W x scale). Nothing is allocated per call on our side; a model
    /// whose output shape differs gives an OrtException.
    public unsafe void Run(ReadOnlySpan<float> input, ReadOnlySpan<long> inputShape, Span<float> output, ReadOnlySpan<long> outputShape, CancellationToken cancellationToken)
    {
        if (ElementCount(outputShape) != output.Length)
        {
            throw new ArgumentException($"the output buffer holds {output.Length} floats; shape [{string.Join(',', outputShape.ToArray())}] needs {ElementCount(outputShape)}", nameof(output));
        }

        CheckInput(input, inputShape);
        using var run = _gate.Enter();
        fixed (float* i = input)
        fixed (float* o = output)
        {
            using var inputValue = Tensor(i, input.Length, inputShape);
            using var outputValue = Tensor(o, output.Length, outputShape);
            OrtSessions.Run(_session, _inputNames, [inputValue], _outputNames, [outputValue], cancellationToken);
        }
    }

    /// Stops the trace started by InferenceOptions.ProfileFilePrefix and returns its path.
    public string EndProfiling()
    {
        if (Options.ProfileFilePrefix is null)
        {
            throw new InvalidOperationException("profiling was not enabled for this session (InferenceOptions.ProfileFilePrefix)");
        }

        using var run = _gate.Enter();
        return OrtSessions.Call(_session.EndProfiling);
    }

    /// A run in flight keeps the native session alive; the last one out releases it.
    public void Dispose()
    {
        _gate.Close(_session.Dispose);
    }

    private void CheckInput(ReadOnlySpan<float> input, ReadOnlySpan<long> inputShape)
    {
        if (ElementCount(inputShape) != input.Length)
        {
            throw new ArgumentException($"input holds {input.Length} floats; shape [{string.Join(',', inputShape.ToArray())}] needs {ElementCount(inputShape)}", nameof(input));
        }
    }

    // A tensor over memory the caller keeps pinned while the value lives.
    private static unsafe OrtValue Tensor(float* data, int count, ReadOnlySpan<long> shape)
    {
        var dims = shape.ToArray();
        return OrtSessions.Call(() => OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, TensorElementType.Float, dims, (IntPtr)data, (long)count * sizeof(float)));
    }

    private static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        return count;
    }
}
