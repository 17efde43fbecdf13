namespace Upres.Engine.Models.Ncnn;

public sealed class NcnnFormatException : Exception
{
    public NcnnFormatException()
    {
    }

    public NcnnFormatException(string message)
        : base(message)
    {
    }

    public NcnnFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
