using System.CommandLine;

var root = new RootCommand("Upres: video super-resolution on your own machines");
return await root.Parse(args).InvokeAsync();
