using System.Runtime.InteropServices;

namespace Upres.Engine.Inference;

/// One loaded model with a single float32 input and output (NCHW for our upscalers). Run is safe
/// to call from several threads; a cancelled token terminates the run in progress.
public sealed unsafe class OnnxSession : IDisposable
{
    private const int FloatTensor = 1; // ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT

    private readonly OrtRuntime _runtime;
    private readonly OrtSessionHandle _session;
    private readonly byte[] _inputName;
    private readonly byte[] _outputName;

    private OnnxSession(OrtRuntime runtime, OrtSessionHandle session)
    {
        _runtime = runtime;
        _session = session;
        try
        {
            InputNames = ReadNames(input: true);
            OutputNames = ReadNames(input: false);
            if (InputNames.Count != 1 || OutputNames.Count != 1)
            {
                throw new NotSupportedException(
                    $"OnnxSession runs models with one input and one output; this one has {InputNames.Count} and {OutputNames.Count}");
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }

        _inputName = OrtApi.Utf8Z(InputNames[0]);
        _outputName = OrtApi.Utf8Z(OutputNames[0]);
    }

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    public InferenceOptions Options { get; private init; } = InferenceOptions.Default;

    public static OnnxSession Create(string modelPath, InferenceOptions? options = null, OrtRuntime? runtime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"model file not found: {modelPath}", modelPath);
        }

        runtime ??= OrtRuntime.Shared;
        options ??= InferenceOptions.Default;
        var api = runtime.Api;
        using var sessionOptions = CreateSessionOptions(runtime, options);
        var session = new OrtSessionHandle(api);
        var path = OrtApi.Utf8Z(modelPath);
        IntPtr created;
        fixed (byte* p = path)
        {
            api.Check(api.CreateSession(runtime.Env.DangerousGetHandle(), p, sessionOptions.DangerousGetHandle(), &created));
        }

        session.Attach(created);
        return new OnnxSession(runtime, session) { Options = options };
    }

    public static OnnxSession Create(ReadOnlySpan<byte> model, InferenceOptions? options = null, OrtRuntime? runtime = null)
    {
        if (model.IsEmpty)
        {
            throw new ArgumentException("the model is empty", nameof(model));
        }

        runtime ??= OrtRuntime.Shared;
        options ??= InferenceOptions.Default;
        var api = runtime.Api;
        using var sessionOptions = CreateSessionOptions(runtime, options);
        var session = new OrtSessionHandle(api);
        IntPtr created;
        fixed (byte* p = model)
        {
            api.Check(api.CreateSessionFromArray(runtime.Env.DangerousGetHandle(), p, (nuint)model.Length, sessionOptions.DangerousGetHandle(), &created));
        }

        session.Attach(created);
        return new OnnxSession(runtime, session) { Options = options };
    }

    /// Runs the model and returns a new output array; outputShape receives its dimensions.
    public float[] Run(ReadOnlySpan<float> input, ReadOnlySpan<long> inputShape, out long[] outputShape, CancellationToken cancellationToken)
    {
        var api = _runtime.Api;
        var output = IntPtr.Zero;
        try
        {
            RunCore(input, inputShape, &output, cancellationToken);
            outputShape = ReadFloatShape(output);
            var count = checked((int)ElementCount(outputShape));
            void* data;
            api.Check(api.GetTensorMutableData(output, &data));
            var result = GC.AllocateUninitializedArray<float>(count);
            new ReadOnlySpan<float>(data, count).CopyTo(result);
            return result;
        }
        finally
        {
            if (output != IntPtr.Zero)
            {
                api.ReleaseValue(output);
            }
        }
    }

    /// Runs the model writing straight into output, whose shape the caller states (an upscaler
    /// knows it: N, C, H x scale, W x scale). Nothing is allocated per call on our side; a model
    /// whose output shape differs gives an OrtException.
    public void Run(ReadOnlySpan<float> input, ReadOnlySpan<long> inputShape, Span<float> output, ReadOnlySpan<long> outputShape, CancellationToken cancellationToken)
    {
        if (ElementCount(outputShape) != output.Length)
        {
            throw new ArgumentException($"the output buffer holds {output.Length} floats; shape [{string.Join(',', outputShape.ToArray())}] needs {ElementCount(outputShape)}", nameof(output));
        }

        var api = _runtime.Api;
        var value = IntPtr.Zero;
        fixed (float* o = output)
        fixed (long* shape = outputShape)
        {
            try
            {
                api.Check(api.CreateTensorWithDataAsOrtValue(
                    _runtime.CpuMemory.DangerousGetHandle(), o, (nuint)(output.Length * sizeof(float)), shape, (nuint)outputShape.Length, FloatTensor, &value));
                var passed = value;
                RunCore(input, inputShape, &passed, cancellationToken);
                if (passed != value)
                {
                    // ORT replaced our value instead of writing into it; never seen, but do not lose data.
                    try
                    {
                        void* data;
                        api.Check(api.GetTensorMutableData(passed, &data));
                        new ReadOnlySpan<float>(data, output.Length).CopyTo(output);
                    }
                    finally
                    {
                        api.ReleaseValue(passed);
                    }
                }
            }
            finally
            {
                if (value != IntPtr.Zero)
                {
                    api.ReleaseValue(value);
                }
            }
        }
    }

    /// Stops the trace started by InferenceOptions.ProfileFilePrefix and returns its path.
    public string EndProfiling()
    {
        if (Options.ProfileFilePrefix is null)
        {
            throw new InvalidOperationException("profiling was not enabled for this session (InferenceOptions.ProfileFilePrefix)");
        }

        var api = _runtime.Api;
        byte* path;
        api.Check(api.SessionEndProfiling(_session.DangerousGetHandle(), _runtime.DefaultAllocator, &path));
        try
        {
            return Marshal.PtrToStringUTF8((IntPtr)path) ?? string.Empty;
        }
        finally
        {
            api.Check(api.AllocatorFree(_runtime.DefaultAllocator, path));
        }
    }

    /// A run in flight holds a reference on the handle, so the native session outlives it.
    public void Dispose() => _session.Dispose();

    // *output is null (ORT allocates) or a tensor over the caller's buffer.
    private void RunCore(ReadOnlySpan<float> input, ReadOnlySpan<long> inputShape, IntPtr* output, CancellationToken cancellationToken)
    {
        if (ElementCount(inputShape) != input.Length)
        {
            throw new ArgumentException($"input holds {input.Length} floats; shape [{string.Join(',', inputShape.ToArray())}] needs {ElementCount(inputShape)}", nameof(input));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var api = _runtime.Api;
        var added = false;
        _session.DangerousAddRef(ref added);
        using var runOptions = new OrtRunOptionsHandle(api);
        var inputValue = IntPtr.Zero;
        try
        {
            IntPtr created;
            api.Check(api.CreateRunOptions(&created));
            runOptions.Attach(created);

            fixed (float* i = input)
            fixed (long* shape = inputShape)
            fixed (byte* inputName0 = _inputName)
            fixed (byte* outputName0 = _outputName)
            {
                api.Check(api.CreateTensorWithDataAsOrtValue(
                    _runtime.CpuMemory.DangerousGetHandle(), i, (nuint)(input.Length * sizeof(float)), shape, (nuint)inputShape.Length, FloatTensor, &inputValue));

                var inputName = inputName0;
                var outputName = outputName0;
                IntPtr status;
                // Unregistered before runOptions is released; unregistering waits for a callback in flight.
                using (cancellationToken.Register(static state => Terminate((OrtRunOptionsHandle)state!), runOptions))
                {
                    status = api.Run(_session.DangerousGetHandle(), runOptions.DangerousGetHandle(), &inputName, &inputValue, 1, &outputName, 1, output);
                }

                try
                {
                    api.Check(status);
                }
                catch (OrtException e) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("inference was cancelled", e, cancellationToken);
                }
            }
        }
        finally
        {
            if (inputValue != IntPtr.Zero)
            {
                api.ReleaseValue(inputValue);
            }

            if (added)
            {
                _session.DangerousRelease();
            }
        }
    }

    private static void Terminate(OrtRunOptionsHandle runOptions)
    {
        runOptions.Api.Check(runOptions.Api.RunOptionsSetTerminate(runOptions.DangerousGetHandle()));
    }

    private long[] ReadFloatShape(IntPtr value)
    {
        var api = _runtime.Api;
        using var info = new OrtTensorTypeAndShapeInfoHandle(api);
        IntPtr created;
        api.Check(api.GetTensorTypeAndShape(value, &created));
        info.Attach(created);
        int type;
        api.Check(api.GetTensorElementType(created, &type));
        if (type != FloatTensor)
        {
            throw new NotSupportedException($"the model's output has ONNX element type {type}; only float32 is supported");
        }

        nuint rank;
        api.Check(api.GetDimensionsCount(created, &rank));
        var dims = new long[(int)rank];
        fixed (long* d = dims)
        {
            api.Check(api.GetDimensions(created, d, rank));
        }

        return dims;
    }

    private List<string> ReadNames(bool input)
    {
        var api = _runtime.Api;
        var session = _session.DangerousGetHandle();
        nuint count;
        api.Check(input ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count));
        var names = new List<string>((int)count);
        for (nuint i = 0; i < count; i++)
        {
            byte* name;
            api.Check(input
                ? api.SessionGetInputName(session, i, _runtime.DefaultAllocator, &name)
                : api.SessionGetOutputName(session, i, _runtime.DefaultAllocator, &name));
            try
            {
                names.Add(Marshal.PtrToStringUTF8((IntPtr)name) ?? string.Empty);
            }
            finally
            {
                api.Check(api.AllocatorFree(_runtime.DefaultAllocator, name));
            }
        }

        return names;
    }

    private static OrtSessionOptionsHandle CreateSessionOptions(OrtRuntime runtime, InferenceOptions options)
    {
        var api = runtime.Api;
        var handle = new OrtSessionOptionsHandle(api);
        try
        {
            IntPtr created;
            api.Check(api.CreateSessionOptions(&created));
            handle.Attach(created);
            api.Check(api.SetSessionLogSeverityLevel(created, 3));
            api.Check(api.SetSessionGraphOptimizationLevel(created, (int)options.GraphOptimization));
            api.Check(api.SetIntraOpNumThreads(created, options.IntraOpThreads));
            api.Check(api.SetInterOpNumThreads(created, options.InterOpThreads));
            if (options.ProfileFilePrefix is not null)
            {
                fixed (byte* prefix = OrtApi.Utf8Z(options.ProfileFilePrefix))
                {
                    api.Check(api.EnableProfiling(created, prefix));
                }
            }

            foreach (var (key, value) in options.ConfigEntries)
            {
                fixed (byte* k = OrtApi.Utf8Z(key))
                fixed (byte* v = OrtApi.Utf8Z(value))
                {
                    api.Check(api.AddSessionConfigEntry(created, k, v));
                }
            }

            foreach (var (name, size) in options.FixedDimensions)
            {
                fixed (byte* n = OrtApi.Utf8Z(name))
                {
                    api.Check(api.AddFreeDimensionOverrideByName(created, n, size));
                }
            }

            switch (options.ExecutionProvider)
            {
                case ExecutionProvider.Cpu:
                    break;
                case ExecutionProvider.WebGpu:
                    AppendProvider(api, created, "WebGPU", []);
                    break;
                case ExecutionProvider.Cuda:
                    AppendCuda(api, created, options.DeviceId);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(options), options.ExecutionProvider, "unknown execution provider");
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void AppendProvider(OrtApi api, IntPtr sessionOptions, string name, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var strings = new List<IntPtr>();
        try
        {
            var keys = stackalloc byte*[Math.Max(1, settings.Count)];
            var values = stackalloc byte*[Math.Max(1, settings.Count)];
            for (var i = 0; i < settings.Count; i++)
            {
                strings.Add(Marshal.StringToCoTaskMemUTF8(settings[i].Key));
                keys[i] = (byte*)strings[^1];
                strings.Add(Marshal.StringToCoTaskMemUTF8(settings[i].Value));
                values[i] = (byte*)strings[^1];
            }

            fixed (byte* n = OrtApi.Utf8Z(name))
            {
                api.Check(api.SessionOptionsAppendExecutionProvider(sessionOptions, n, keys, values, (nuint)settings.Count));
            }
        }
        finally
        {
            strings.ForEach(Marshal.FreeCoTaskMem);
        }
    }

    private static void AppendCuda(OrtApi api, IntPtr sessionOptions, int deviceId)
    {
        using var cuda = new OrtCudaProviderOptionsHandle(api);
        IntPtr created;
        api.Check(api.CreateCUDAProviderOptions(&created));
        cuda.Attach(created);
        var key = Marshal.StringToCoTaskMemUTF8("device_id");
        var value = Marshal.StringToCoTaskMemUTF8(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var k = (byte*)key;
            var v = (byte*)value;
            api.Check(api.UpdateCUDAProviderOptions(created, &k, &v, 1));
        }
        finally
        {
            Marshal.FreeCoTaskMem(key);
            Marshal.FreeCoTaskMem(value);
        }

        api.Check(api.SessionOptionsAppendExecutionProvider_CUDA_V2(sessionOptions, created));
    }

    private static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"shape dimension {dim} is negative", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }
}
