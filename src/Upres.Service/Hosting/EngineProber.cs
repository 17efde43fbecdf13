using System.Reflection;
using Upres.Engine.Media;

namespace Upres.Service.Hosting;

/// The engine's FfprobeClient, found by name while it is landing in main. Replaced by
/// `new FfprobeClient()` once it has.
internal static class EngineProber
{
    public static IMediaProber Create()
    {
        var type = typeof(IMediaProber).Assembly.GetType("Upres.Engine.Media.FfprobeClient")
            ?? throw new InvalidOperationException("Upres.Engine.Media.FfprobeClient is not in this build of the engine");
        var ctor = type.GetConstructors().OrderBy(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : null).ToArray();
        return (IMediaProber)ctor.Invoke(BindingFlags.Default, null, args, System.Globalization.CultureInfo.InvariantCulture);
    }
}
