using System.CommandLine;

namespace Upres.Cli.Commands;

internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the model catalog, or import (convert) models");
        return command;
    }
}
