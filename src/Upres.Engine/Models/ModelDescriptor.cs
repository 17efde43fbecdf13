using Upres.Engine.Models.Conversion;

namespace Upres.Engine.Models;

public sealed record ModelDescriptor(
    string Name,
    ModelArchitecture Architecture,
    int Scale,
    ContentKind Content,
    DenoiseLevel Denoise,
    ModelSource Source,
    InputFraming Framing,
    string Licence)
{
    public ConversionOptions ConversionOptions => new(Scale, Framing);
}
