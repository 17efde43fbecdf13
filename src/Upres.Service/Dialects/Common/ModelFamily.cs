namespace Upres.Service.Dialects;

/// Which kind of network a vendor's model choice asks for; DialectModels names the catalog entry.
public enum ModelFamily
{
    /// The compact real-world video model: fast, mild denoise.
    RealWorld,
    /// The large real-world model: much slower, stronger restoration.
    RealWorldStrong,
    Animation,
}
