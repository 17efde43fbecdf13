namespace Upres.Service.Tests;

public class ServiceAssemblyTests
{
    [Fact]
    public void The_service_assembly_references_the_engine()
    {
        var refs = typeof(Upres.Service.ServiceMarker).Assembly.GetReferencedAssemblies();
        Assert.Contains(refs, r => r.Name == "Upres.Engine");
    }
}
