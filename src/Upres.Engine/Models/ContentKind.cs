namespace Upres.Engine.Models;

public enum ContentKind
{
    /// Camera footage and photos with real-world degradations.
    RealWorld,

    /// Anime and cartoons.
    Animation,
}
