package dev.secureingress.cli;

import dev.secureingress.embedded.SandboxCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code secure-ingress} command line: {@code java -jar secure-ingress-<version>-cli.jar <command>}.
 * Subcommands are classes of their own, listed here.
 */
@Command(name = "secure-ingress",
        mixinStandardHelpOptions = true,
        versionProvider = SecureIngressCli.Version.class,
        description = "TLS ingress testing for Istio and the Kubernetes Gateway API.",
        subcommands = {PkiCommand.class, BenchCommand.class, SandboxCommand.class, CommandLine.HelpCommand.class})
public final class SecureIngressCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for embedding and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new SecureIngressCli());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The version from the jar manifest, when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SecureIngressCli.class.getPackage().getImplementationVersion();
            return new String[] {"secure-ingress " + (version == null ? "(development build)" : version)};
        }
    }
}
