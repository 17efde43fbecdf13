namespace Upres.Engine.Diagnostics;

public sealed record EnvironmentCheck(string Name, bool Ok, string Detail, bool Optional = false);
