namespace Upres.Engine.Models.Ncnn;

public sealed record NcnnLayer(
    string Type,
    string Name,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    NcnnParamDictionary Params);
