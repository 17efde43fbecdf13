using System.Globalization;
using System.Runtime.InteropServices;

namespace Upres.Engine.Inference.Gpu;

/// Free memory on a GPU, for choosing the tile size. ONNX Runtime's binding has no such query
/// (neither its C API nor the managed one), so this reads NVIDIA's management library (libnvidia-ml,
/// part of every NVIDIA driver) directly: the one hand-written native call left in the engine.
public static class GpuMemory
{
    private const int Success = 0;

    /// Free bytes on the device, or null where it cannot be read (no NVIDIA driver, another vendor).
    /// UPRES_GPU_MEMORY_MB, when set, is the answer instead.
    public static long? FreeBytes(int deviceIndex)
    {
        if (Environment.GetEnvironmentVariable("UPRES_GPU_MEMORY_MB") is { Length: > 0 } configured
            && long.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out var megabytes) && megabytes > 0)
        {
            return megabytes << 20;
        }

        return ReadNvml(deviceIndex);
    }

    private static unsafe long? ReadNvml(int deviceIndex)
    {
        if (!NativeLibrary.TryLoad("libnvidia-ml.so.1", out var library))
        {
            return null;
        }

        try
        {
            if (!NativeLibrary.TryGetExport(library, "nvmlInit_v2", out var init)
                || !NativeLibrary.TryGetExport(library, "nvmlDeviceGetHandleByIndex_v2", out var byIndex)
                || !NativeLibrary.TryGetExport(library, "nvmlDeviceGetMemoryInfo", out var memoryInfo)
                || !NativeLibrary.TryGetExport(library, "nvmlShutdown", out var shutdown))
            {
                return null;
            }

            if (((delegate* unmanaged<int>)init)() != Success)
            {
                return null;
            }

            try
            {
                IntPtr device;
                if (((delegate* unmanaged<uint, IntPtr*, int>)byIndex)((uint)deviceIndex, &device) != Success)
                {
                    return null;
                }

                // nvmlMemory_t: total, free, used (unsigned long long each).
                var memory = stackalloc ulong[3];
                return ((delegate* unmanaged<IntPtr, ulong*, int>)memoryInfo)(device, memory) == Success ? (long)memory[1] : null;
            }
            finally
            {
                ((delegate* unmanaged<int>)shutdown)();
            }
        }
        finally
        {
            NativeLibrary.Free(library);
        }
    }
}
