using Microsoft.Extensions.DependencyInjection;
using Upres.Engine.Imaging;
using Upres.Engine.Pipeline;

namespace Upres.Service.Tests.Infrastructure;

/// The engine the tests run jobs on: the real VideoUpscaler (ffmpeg decode, frame pipeline, ffmpeg
/// encode) with the engine's bicubic frame upscaler, because the ONNX composition root
/// (UpscaleEngine) still answers engine_unavailable on this branch. Swap to the default
/// registration when it is wired.
public static class TestEngine
{
    public static void Register(IServiceCollection services)
        => services.AddSingleton<IVideoUpscaler>(_ => new VideoUpscaler(_ => new BicubicUpscaler(2)));
}
