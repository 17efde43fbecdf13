using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Inference;

/// The ONNX Runtime of this process: the official managed binding (Microsoft.ML.OnnxRuntime.Managed)
/// over the native library at one path, with its one OrtEnv. The library ships as
/// libonnxruntime.so.1 only, so the binding's DllImport("onnxruntime") is resolved to that file
/// instead of being left to the loader's search.
public sealed class OrtRuntime
{
    private static readonly Lock Gate = new();
    private static OrtRuntime? _loaded;
    private static IntPtr _library;

    private OrtRuntime(string libraryPath, OrtEnv env)
    {
        LibraryPath = libraryPath;
        Env = env;
        Version = env.GetVersionString();
        AvailableProviders = env.GetAvailableProviders();
    }

    /// The runtime at UpresPaths.FromEnvironment().OrtLibraryPath (UPRES_ORT_LIB or the cache).
    public static OrtRuntime Shared => Volatile.Read(ref _loaded) ?? Load(UpresPaths.FromEnvironment().OrtLibraryPath);

    /// The native library's version (the managed binding must be the same release), e.g. "1.30.0".
    public const string BindingVersion = "1.30.0";

    public string LibraryPath { get; }

    /// e.g. "1.30.0".
    public string Version { get; }

    /// Provider names as ORT spells them, e.g. "CPUExecutionProvider", "WebGpuExecutionProvider".
    /// Listed means compiled in, not that it starts on this machine: ProviderProbe says that.
    public IReadOnlyList<string> AvailableProviders { get; }

    internal OrtEnv Env { get; }

    /// Loads the library at libraryPath; later calls return the same runtime. A process holds one
    /// ONNX Runtime, so asking for a different file afterwards is an error.
    public static OrtRuntime Load(string libraryPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(libraryPath);
        lock (Gate)
        {
            if (_loaded is not null)
            {
                if (!string.Equals(Path.GetFullPath(_loaded.LibraryPath), Path.GetFullPath(libraryPath), StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"ONNX Runtime is already loaded from {_loaded.LibraryPath}; one process cannot load a second copy from {libraryPath}");
                }

                return _loaded;
            }

            if (!File.Exists(libraryPath))
            {
                throw new UpscaleException(
                    UpscaleErrorCodes.OnnxRuntimeMissing,
                    $"The ONNX Runtime library was not found at {libraryPath}. Run ./upres (or scripts/setup.sh) once to fetch it, or set UPRES_ORT_LIB to its path.");
            }

            try
            {
                _library = NativeLibrary.Load(Path.GetFullPath(libraryPath));
            }
            catch (DllNotFoundException e)
            {
                throw new UpscaleException(
                    UpscaleErrorCodes.OnnxRuntimeUnloadable,
                    $"The ONNX Runtime library at {libraryPath} could not be loaded (it needs glibc 2.28 or newer on x64 Linux): {e.Message}",
                    e);
            }

            // The binding's own resolver looks for the NuGet runtimes/ layout; ours hands it the
            // library already loaded. Both must be in place before the binding's first native call.
            OrtEnv.DisableDllImportResolver = true;
            NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, Resolve);

            OrtEnv env;
            try
            {
                // Error level: ORT's warnings (e.g. unused initializers) are noise in a service log.
                var options = new EnvironmentCreationOptions { logId = "upres", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
                env = OrtEnv.CreateInstanceWithOptions(ref options);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or OnnxRuntimeException or TypeInitializationException)
            {
                throw new UpscaleException(
                    UpscaleErrorCodes.OnnxRuntimeTooOld,
                    $"The ONNX Runtime at {libraryPath} does not answer the managed binding {BindingVersion} (it needs ONNX Runtime {BindingVersion} or newer): {e.Message}",
                    e);
            }

            var runtime = new OrtRuntime(libraryPath, env);
            Volatile.Write(ref _loaded, runtime);
            return runtime;
        }
    }

    public bool Supports(ExecutionProvider provider) => AvailableProviders.Contains(ProviderName(provider));

    /// ORT's name for a provider, as GetAvailableProviders lists it.
    public static string ProviderName(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => "CPUExecutionProvider",
        ExecutionProvider.WebGpu => "WebGpuExecutionProvider",
        ExecutionProvider.Cuda => "CUDAExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown execution provider"),
    };

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName is "onnxruntime" or "libonnxruntime" or "libonnxruntime.so" ? _library : IntPtr.Zero;
}
