namespace Upres.Engine.Models.Conversion;

public sealed record ConversionOptions(int Scale, InputFraming Framing, string InputName = "input", string OutputName = "output");
