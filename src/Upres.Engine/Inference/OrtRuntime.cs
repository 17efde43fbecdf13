using System.Runtime.InteropServices;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Inference;

/// The ONNX Runtime library, loaded once per process with its one OrtEnv. The library ships as
/// libonnxruntime.so.1 only, so it is loaded by path rather than through DllImport probing.
public sealed unsafe class OrtRuntime
{
    private static readonly Lock Gate = new();
    private static OrtRuntime? _loaded;

    private OrtRuntime(string libraryPath, OrtApi api, string version)
    {
        LibraryPath = libraryPath;
        Api = api;
        Version = version;

        Env = new OrtEnvHandle(api);
        var logId = OrtApi.Utf8Z("upres");
        IntPtr env;
        fixed (byte* id = logId)
        {
            // Error level: ORT's warnings (e.g. unused initializers) are noise in a service log.
            api.Check(api.CreateEnv(3, id, &env));
        }

        Env.Attach(env);

        CpuMemory = new OrtMemoryInfoHandle(api);
        IntPtr info;
        api.Check(api.CreateCpuMemoryInfo(1 /* OrtArenaAllocator */, 0 /* OrtMemTypeDefault */, &info));
        CpuMemory.Attach(info);

        IntPtr allocator;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
        DefaultAllocator = allocator;

        AvailableProviders = ReadProviders(api);
    }

    /// The runtime at UpresPaths.FromEnvironment().OrtLibraryPath (UPRES_ORT_LIB or the cache).
    public static OrtRuntime Shared => Volatile.Read(ref _loaded) ?? Load(UpresPaths.FromEnvironment().OrtLibraryPath);

    public string LibraryPath { get; }

    /// e.g. "1.30.0".
    public string Version { get; }

    /// Provider names as ORT spells them, e.g. "CPUExecutionProvider", "WebGpuExecutionProvider".
    public IReadOnlyList<string> AvailableProviders { get; }

    internal OrtApi Api { get; }

    internal OrtEnvHandle Env { get; }

    internal OrtMemoryInfoHandle CpuMemory { get; }

    internal IntPtr DefaultAllocator { get; }

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

            IntPtr library;
            try
            {
                library = NativeLibrary.Load(libraryPath);
            }
            catch (DllNotFoundException e)
            {
                throw new UpscaleException(
                    UpscaleErrorCodes.OnnxRuntimeUnloadable,
                    $"The ONNX Runtime library at {libraryPath} could not be loaded (it needs glibc 2.28 or newer on x64 Linux): {e.Message}",
                    e);
            }

            var getApiBase = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(library, "OrtGetApiBase");
            var apiBase = (void**)getApiBase();
            var getApi = (delegate* unmanaged<uint, IntPtr>)apiBase[0];
            var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
            var version = Marshal.PtrToStringUTF8((IntPtr)getVersion()) ?? "unknown";
            var table = getApi(OrtApi.ApiVersion);
            if (table == IntPtr.Zero)
            {
                throw new UpscaleException(
                    UpscaleErrorCodes.OnnxRuntimeTooOld,
                    $"The ONNX Runtime at {libraryPath} is version {version}; Upres needs API version {OrtApi.ApiVersion} (ONNX Runtime 1.{OrtApi.ApiVersion} or newer).");
            }

            var runtime = new OrtRuntime(libraryPath, new OrtApi(table), version);
            Volatile.Write(ref _loaded, runtime);
            return runtime;
        }
    }

    public bool Supports(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => AvailableProviders.Contains("CPUExecutionProvider"),
        ExecutionProvider.WebGpu => AvailableProviders.Contains("WebGpuExecutionProvider"),
        ExecutionProvider.Cuda => AvailableProviders.Contains("CUDAExecutionProvider"),
        _ => false,
    };

    private static string[] ReadProviders(OrtApi api)
    {
        byte** names;
        int count;
        api.Check(api.GetAvailableProviders(&names, &count));
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Marshal.PtrToStringUTF8((IntPtr)names[i]) ?? string.Empty;
            }

            return result;
        }
        finally
        {
            api.Check(api.ReleaseAvailableProviders(names, count));
        }
    }
}
