namespace Upres.Service.Tests.Infrastructure;

/// Test classes that run real inference share the CPU badly; they run one after another.
[CollectionDefinition("processing", DisableParallelization = true)]
public sealed class ProcessingCollection;
