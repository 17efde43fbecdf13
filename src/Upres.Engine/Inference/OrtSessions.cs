using System.Runtime.ExceptionServices;
using Microsoft.ML.OnnxRuntime;

namespace Upres.Engine.Inference;

/// What every session of ours shares: SessionOptions from InferenceOptions, providers appended,
/// runs that a CancellationToken terminates, and the binding's exceptions as OrtException.
internal static class OrtSessions
{
    public static InferenceSession Open(string? path, byte[]? model, InferenceOptions options, OrtRuntime runtime)
    {
        _ = runtime; // loaded: the binding's native calls resolve to its library from here on
        using var sessionOptions = CreateSessionOptions(options);
        InferenceSession Create() => Call(() => path is not null ? new InferenceSession(path, sessionOptions) : new InferenceSession(model!, sessionOptions));
        return options.Niceness > 0 && OperatingSystem.IsLinux() ? OnLoweredThread(options.Niceness, Create) : Create();
    }

    // ORT starts its intra-op threads while the session is created, and a Linux thread starts with
    // its creator's niceness: created from a lowered thread, the whole pool runs lowered.
    private static InferenceSession OnLoweredThread(int niceness, Func<InferenceSession> create)
    {
        InferenceSession? session = null;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            Pipeline.Niceness.LowerCurrentThread(niceness);
            try
            {
                session = create();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = "upres ort open" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return session!;
    }

    public static SessionOptions CreateSessionOptions(InferenceOptions options)
    {
        var sessionOptions = new SessionOptions();
        try
        {
            Call(() =>
            {
                sessionOptions.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
                sessionOptions.GraphOptimizationLevel = (GraphOptimizationLevel)(int)options.GraphOptimization;
                sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
                sessionOptions.InterOpNumThreads = options.InterOpThreads;
                if (options.ProfileFilePrefix is not null)
                {
                    // The prefix first: enabling passes the prefix set at that moment to ORT.
                    sessionOptions.ProfileOutputPathPrefix = options.ProfileFilePrefix;
                    sessionOptions.EnableProfiling = true;
                }

                foreach (var (key, value) in options.ConfigEntries)
                {
                    sessionOptions.AddSessionConfigEntry(key, value);
                }

                foreach (var (name, size) in options.FixedDimensions)
                {
                    sessionOptions.AddFreeDimensionOverrideByName(name, size);
                }

                AppendProvider(sessionOptions, options);
            });
            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// Runs with the caller's output values (ORT writes into them).
    public static void Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames, OrtValue[] outputs, CancellationToken cancellationToken)
    {
        Terminable(runOptions => session.Run(runOptions, inputNames, inputs, outputNames, outputs), cancellationToken);
    }

    /// Runs and returns the outputs ORT allocated; the caller disposes them.
    public static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames, CancellationToken cancellationToken)
    {
        IDisposableReadOnlyCollection<OrtValue>? outputs = null;
        Terminable(runOptions => outputs = session.Run(runOptions, inputNames, inputs, outputNames), cancellationToken);
        return outputs!;
    }

    /// One RunOptions per run: a cancel sets its Terminate flag, which ORT checks between nodes.
    public static void Terminable(Action<RunOptions> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        try
        {
            // Unregistered before runOptions is released; unregistering waits for a callback in flight.
            using (cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions))
            {
                run(runOptions);
            }
        }
        catch (OnnxRuntimeException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("inference was cancelled", OrtException.From(e), cancellationToken);
        }
        catch (OnnxRuntimeException e)
        {
            throw OrtException.From(e);
        }
    }

    public static void Call(Action call)
    {
        try
        {
            call();
        }
        catch (OnnxRuntimeException e)
        {
            throw OrtException.From(e);
        }
    }

    public static T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (OnnxRuntimeException e)
        {
            throw OrtException.From(e);
        }
    }

    private static void AppendProvider(SessionOptions sessionOptions, InferenceOptions options)
    {
        switch (options.ExecutionProvider)
        {
            case ExecutionProvider.Cpu:
                break;
            case ExecutionProvider.WebGpu:
                sessionOptions.AppendExecutionProvider("WebGPU", new Dictionary<string, string>(options.ProviderOptions));
                break;
            case ExecutionProvider.Cuda:
            {
                using var cuda = new OrtCUDAProviderOptions();
                // NHWC lets cuDNN run fp16 convolutions on the tensor cores without transposing
                // around each one: 1.3-1.5x the frames per second on an H200 (docs/gpu.md).
                var settings = new Dictionary<string, string> { ["prefer_nhwc"] = "1" };
                foreach (var (key, value) in options.ProviderOptions)
                {
                    settings[key] = value;
                }

                settings["device_id"] = options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
                cuda.UpdateOptions(settings);
                sessionOptions.AppendExecutionProvider_CUDA(cuda);
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.ExecutionProvider, "unknown execution provider");
        }
    }
}
