namespace Upres.Web.Tests.Infrastructure;

/// One browser test at a time: each starts a server, Chromium and real inference, which the small
/// machines this runs on cannot do twice at once and stay fast.
[CollectionDefinition("browser", DisableParallelization = true)]
public sealed class BrowserCollection;
