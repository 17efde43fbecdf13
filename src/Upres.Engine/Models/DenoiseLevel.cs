namespace Upres.Engine.Models;

public enum DenoiseLevel
{
    None,

    /// Real-CUGAN's "conservative" weights: keeps texture, removes little.
    Conservative,
    Level1,
    Level2,
    Level3,
}
