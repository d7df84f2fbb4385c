using System.CommandLine;
using Distroless.Cli.Inspection;

namespace Distroless.Cli.Commands;

/// <summary>`distroless inspect`: what an image is made of, per platform.</summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("image")
        {
            Description = "An OCI image archive, or a registry reference (registry/repository:tag or @sha256:…).",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON document (schemaVersion 1) instead of text: for scripts and CI.",
        };
        var command = new Command("inspect",
            "Show an image per platform: digest, config (user, entrypoint, env, workdir, labels), layers, the Debian packages in it, and the SBOMs an archive carries.");
        command.Arguments.Add(source);
        command.Options.Add(json);
        context.Epilogs[command] = """
            Examples:
              distroless inspect bin/Release/net10.0/linux-x64/distroless/api.tar
              distroless inspect registry.example/shop/api:1.4.2 --json | jq '.images[].packages[].name'
            """;
        context.SetAction(command, async (session, result, ct) =>
        {
            var report = await ImageInspector.InspectAsync(ImageSource.Resolve(result.GetValue(source)!), session, ct).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                InspectionText.WriteJson(session.Out, report);
            }
            else
            {
                InspectionText.Write(session.Out, report);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
