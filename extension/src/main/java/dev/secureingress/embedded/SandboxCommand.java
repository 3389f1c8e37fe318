package dev.secureingress.embedded;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sandbox --state-dir DIR}: runs an embedded cluster until SIGTERM or Ctrl-C; see {@link Sandbox}.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {
                "Runs an embedded Kubernetes cluster with the Gateway API and an Istio-like gateway until stopped "
                        + "(SIGTERM or Ctrl-C).",
                "Writes DIR/kubeconfig, DIR/ingress.env (source it: it sets KUBECONFIG) and, once serving, DIR/ready."})
public final class SandboxCommand implements Callable<Integer> {

    @Option(names = "--state-dir", required = true, paramLabel = "DIR",
            description = "Directory for kubeconfig, ingress.env and ready (created if missing).")
    Path stateDirectory;

    @Override
    public Integer call() throws InterruptedException {
        Sandbox sandbox = Sandbox.start(stateDirectory);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        stopped.await();
        return 0;
    }

    /** Runs the command on its own ({@code java -cp ... dev.secureingress.embedded.SandboxCommand --state-dir DIR}). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SandboxCommand()).execute(args));
    }
}
