using System.Runtime.InteropServices;
using System.Text;

namespace Upres.Engine.Inference;

/// The slice of the C function table we call, read once from GetApi(ApiVersion). Opaque ORT
/// objects are IntPtr; every OrtStatus* goes through Check.
internal sealed unsafe class OrtApi
{
    public const uint ApiVersion = 30;

    public readonly delegate* unmanaged<IntPtr, int> GetErrorCode;
    public readonly delegate* unmanaged<IntPtr, byte*> GetErrorMessage;
    public readonly delegate* unmanaged<int, byte*, IntPtr*, IntPtr> CreateEnv;
    public readonly delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr*, IntPtr> CreateSession;
    public readonly delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr> CreateSessionFromArray;
    public readonly delegate* unmanaged<IntPtr, IntPtr, byte**, IntPtr*, nuint, byte**, nuint, IntPtr*, IntPtr> Run;
    public readonly delegate* unmanaged<IntPtr*, IntPtr> CreateSessionOptions;
    public readonly delegate* unmanaged<IntPtr, byte*, IntPtr> EnableProfiling;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr> SetSessionLogSeverityLevel;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr> SetInterOpNumThreads;
    public readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    public readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    public readonly delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetInputName;
    public readonly delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetOutputName;
    public readonly delegate* unmanaged<IntPtr*, IntPtr> CreateRunOptions;
    public readonly delegate* unmanaged<IntPtr, IntPtr> RunOptionsSetTerminate;
    public readonly delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged<IntPtr, void**, IntPtr> GetTensorMutableData;
    public readonly delegate* unmanaged<IntPtr, int*, IntPtr> GetTensorElementType;
    public readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    public readonly delegate* unmanaged<IntPtr, long*, nuint, IntPtr> GetDimensions;
    public readonly delegate* unmanaged<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape;
    public readonly delegate* unmanaged<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged<IntPtr, void*, IntPtr> AllocatorFree;
    public readonly delegate* unmanaged<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseEnv;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseStatus;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseSession;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseValue;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseRunOptions;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged<IntPtr, IntPtr, byte**, IntPtr> SessionEndProfiling;
    public readonly delegate* unmanaged<IntPtr, byte*, long, IntPtr> AddFreeDimensionOverrideByName;
    public readonly delegate* unmanaged<byte***, int*, IntPtr> GetAvailableProviders;
    public readonly delegate* unmanaged<byte**, int, IntPtr> ReleaseAvailableProviders;
    public readonly delegate* unmanaged<IntPtr, byte*, byte*, IntPtr> AddSessionConfigEntry;
    public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr> SessionOptionsAppendExecutionProvider_CUDA_V2;
    public readonly delegate* unmanaged<IntPtr*, IntPtr> CreateCUDAProviderOptions;
    public readonly delegate* unmanaged<IntPtr, byte**, byte**, nuint, IntPtr> UpdateCUDAProviderOptions;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseCUDAProviderOptions;
    public readonly delegate* unmanaged<IntPtr, byte*, byte**, byte**, nuint, IntPtr> SessionOptionsAppendExecutionProvider;

    private readonly IntPtr _table;

    public OrtApi(IntPtr table)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(table, IntPtr.Zero);
        _table = table;
        var slots = (void**)table;
        GetErrorCode = (delegate* unmanaged<IntPtr, int>)slots[(int)OrtApiIndex.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged<IntPtr, byte*>)slots[(int)OrtApiIndex.GetErrorMessage];
        CreateEnv = (delegate* unmanaged<int, byte*, IntPtr*, IntPtr>)slots[(int)OrtApiIndex.CreateEnv];
        CreateSession = (delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)slots[(int)OrtApiIndex.CreateSession];
        CreateSessionFromArray = (delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr>)slots[(int)OrtApiIndex.CreateSessionFromArray];
        Run = (delegate* unmanaged<IntPtr, IntPtr, byte**, IntPtr*, nuint, byte**, nuint, IntPtr*, IntPtr>)slots[(int)OrtApiIndex.Run];
        CreateSessionOptions = (delegate* unmanaged<IntPtr*, IntPtr>)slots[(int)OrtApiIndex.CreateSessionOptions];
        EnableProfiling = (delegate* unmanaged<IntPtr, byte*, IntPtr>)slots[(int)OrtApiIndex.EnableProfiling];
        SetSessionLogSeverityLevel = (delegate* unmanaged<IntPtr, int, IntPtr>)slots[(int)OrtApiIndex.SetSessionLogSeverityLevel];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<IntPtr, int, IntPtr>)slots[(int)OrtApiIndex.SetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)slots[(int)OrtApiIndex.SetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)slots[(int)OrtApiIndex.SetInterOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)slots[(int)OrtApiIndex.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)slots[(int)OrtApiIndex.SessionGetOutputCount];
        SessionGetInputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr>)slots[(int)OrtApiIndex.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr>)slots[(int)OrtApiIndex.SessionGetOutputName];
        CreateRunOptions = (delegate* unmanaged<IntPtr*, IntPtr>)slots[(int)OrtApiIndex.CreateRunOptions];
        RunOptionsSetTerminate = (delegate* unmanaged<IntPtr, IntPtr>)slots[(int)OrtApiIndex.RunOptionsSetTerminate];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)slots[(int)OrtApiIndex.CreateTensorWithDataAsOrtValue];
        GetTensorMutableData = (delegate* unmanaged<IntPtr, void**, IntPtr>)slots[(int)OrtApiIndex.GetTensorMutableData];
        GetTensorElementType = (delegate* unmanaged<IntPtr, int*, IntPtr>)slots[(int)OrtApiIndex.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)slots[(int)OrtApiIndex.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)slots[(int)OrtApiIndex.GetDimensions];
        GetTensorTypeAndShape = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)slots[(int)OrtApiIndex.GetTensorTypeAndShape];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, IntPtr*, IntPtr>)slots[(int)OrtApiIndex.CreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged<IntPtr, void*, IntPtr>)slots[(int)OrtApiIndex.AllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<IntPtr*, IntPtr>)slots[(int)OrtApiIndex.GetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseEnv];
        ReleaseStatus = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseSession];
        ReleaseValue = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseValue];
        ReleaseRunOptions = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseRunOptions];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseSessionOptions];
        SessionEndProfiling = (delegate* unmanaged<IntPtr, IntPtr, byte**, IntPtr>)slots[(int)OrtApiIndex.SessionEndProfiling];
        AddFreeDimensionOverrideByName = (delegate* unmanaged<IntPtr, byte*, long, IntPtr>)slots[(int)OrtApiIndex.AddFreeDimensionOverrideByName];
        GetAvailableProviders = (delegate* unmanaged<byte***, int*, IntPtr>)slots[(int)OrtApiIndex.GetAvailableProviders];
        ReleaseAvailableProviders = (delegate* unmanaged<byte**, int, IntPtr>)slots[(int)OrtApiIndex.ReleaseAvailableProviders];
        AddSessionConfigEntry = (delegate* unmanaged<IntPtr, byte*, byte*, IntPtr>)slots[(int)OrtApiIndex.AddSessionConfigEntry];
        SessionOptionsAppendExecutionProvider_CUDA_V2 = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)slots[(int)OrtApiIndex.SessionOptionsAppendExecutionProvider_CUDA_V2];
        CreateCUDAProviderOptions = (delegate* unmanaged<IntPtr*, IntPtr>)slots[(int)OrtApiIndex.CreateCUDAProviderOptions];
        UpdateCUDAProviderOptions = (delegate* unmanaged<IntPtr, byte**, byte**, nuint, IntPtr>)slots[(int)OrtApiIndex.UpdateCUDAProviderOptions];
        ReleaseCUDAProviderOptions = (delegate* unmanaged<IntPtr, void>)slots[(int)OrtApiIndex.ReleaseCUDAProviderOptions];
        SessionOptionsAppendExecutionProvider = (delegate* unmanaged<IntPtr, byte*, byte**, byte**, nuint, IntPtr>)slots[(int)OrtApiIndex.SessionOptionsAppendExecutionProvider];
    }

    /// The raw pointer in a slot, for checking the table against the loaded library.
    public IntPtr Slot(OrtApiIndex index) => (IntPtr)((void**)_table)[(int)index];

    /// Turns a returned OrtStatus* into an OrtException; the status is released either way.
    public void Check(IntPtr status)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        try
        {
            var code = (OrtErrorCode)GetErrorCode(status);
            var message = Marshal.PtrToStringUTF8((IntPtr)GetErrorMessage(status)) ?? string.Empty;
            throw new OrtException(code, message);
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    /// C strings for the API: UTF-8 with the terminating NUL that a u8 literal lacks.
    public static byte[] Utf8Z(string value) => Encoding.UTF8.GetBytes(value + '\0');
}
