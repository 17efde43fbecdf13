namespace Upres.Service;

public static class ServiceMarker
{
    public static Type EngineType => typeof(Upres.Engine.UpresPaths);
}
