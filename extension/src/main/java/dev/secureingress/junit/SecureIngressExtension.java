package dev.secureingress.junit;

import dev.secureingress.client.IngressClient;
import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.ingress.IngressNames;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;

/**
 * The JUnit Jupiter extension behind {@link SecureIngressTest}; register it through the annotation.
 *
 * <ul>
 *   <li>Before all tests of a class: resolves the settings, gets the shared cluster (one per JVM and
 *       backend configuration, leased in the root store, closed when the last test run holding it ends), creates the class's namespace, deploys the
 *       fixtures, hosts and manifests and waits until they are ready.</li>
 *   <li>After the class (when its store closes): deletes all the class created, unless {@code keep}.</li>
 *   <li>Resolves parameters: {@link SecureIngress}, {@link IngressClient} (trusting the class's root, pooled,
 *       closed after the test), {@link KubernetesClient}, {@link IngressCluster},
 *       {@link CertificateAuthority} (the class's root), {@link Credential} with {@link ForHost}.</li>
 *   <li>On a failing test or lifecycle method: writes diagnostics and rethrows with their paths and the
 *       curl line of the last request in the message.</li>
 * </ul>
 */
public final class SecureIngressExtension implements BeforeAllCallback, ParameterResolver,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SecureIngressExtension.class);
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(SecureIngressExtension.class);
    private static final String INGRESS_KEY = "ingress";

    private static final Set<Class<?>> INJECTABLE = Set.of(SecureIngress.class, IngressClient.class,
            KubernetesClient.class, IngressCluster.class, CertificateAuthority.class, Credential.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Optional<SecureIngressTest> annotation = AnnotationSupport.findAnnotation(testClass, SecureIngressTest.class);
        if (annotation.isEmpty()) {
            if (find(context).isPresent()) {
                return; // a @Nested class shares its enclosing class's ingress
            }
            throw new ExtensionConfigurationException(SecureIngressExtension.class.getSimpleName() + " on "
                    + testClass.getName() + " needs its settings: annotate the class with @SecureIngressTest "
                    + "instead of @ExtendWith(SecureIngressExtension.class)");
        }
        SecureIngressSettings settings = new SettingsResolver(annotation.get(), testClass.getSimpleName(),
                testClass.getClassLoader(), context::getConfigurationParameter).resolve();
        ClusterLauncher.LaunchedCluster launched = ClusterLauncher.shared(context.getRoot().getStore(STORE), settings,
                context::getConfigurationParameter);
        context.publishReportEntry("secure-ingress.backend", launched.describe());

        IngressNames names = IngressNames.forOwner(settings.namespacePrefix(), testClass.getSimpleName());
        SecureIngress ingress = new SecureIngress(launched.cluster(), settings, names);
        context.getStore(STORE).put(INGRESS_KEY, new ClassIngress(ingress));
        try {
            ingress.setUp(testClass.getName());
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@SecureIngressTest on " + testClass.getSimpleName() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw rethrowable(FailureDiagnostics.report(ingress, testClass.getSimpleName(), "setup", e));
        }
        LOG.info("{} ready for {}", ingress, testClass.getSimpleName());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return INJECTABLE.contains(type);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SecureIngress ingress = find(context).orElseThrow(() -> new ParameterResolutionException(
                "no secure-ingress set up for " + context.getDisplayName() + "; is the class annotated with @SecureIngressTest?"));
        Class<?> type = parameter.getParameter().getType();
        if (type == SecureIngress.class) {
            return ingress;
        }
        if (type == IngressClient.class) {
            // one client per parameter, closed when the test (or the class, for lifecycle methods) ends
            IngressClient client = ingress.client();
            context.getStore(STORE).put(new Object(), (AutoCloseable) client::close);
            return client;
        }
        if (type == KubernetesClient.class) {
            return ingress.kubernetes();
        }
        if (type == IngressCluster.class) {
            return ingress.cluster();
        }
        if (type == CertificateAuthority.class) {
            return ingress.rootCa();
        }
        if (type == Credential.class) {
            ForHost host = parameter.findAnnotation(ForHost.class).orElseThrow(() -> new ParameterResolutionException(
                    "parameter " + parameter.getParameter().getName() + " of type Credential needs @ForHost(\"hostname\")"
                            + " to say whose credential it is; for the client certificate use ingress.clientCredential()"));
            try {
                return ingress.credential(host.value());
            } catch (IllegalArgumentException e) {
                throw new ParameterResolutionException("@ForHost(\"" + host.value() + "\"): " + e.getMessage(), e);
            }
        }
        throw new ParameterResolutionException("cannot inject " + type.getName());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw diagnose(context, context.getRequiredTestMethod().getName(), throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw diagnose(context, "beforeAll", throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw diagnose(context, context.getTestMethod().map(m -> m.getName() + "-beforeEach").orElse("beforeEach"), throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw diagnose(context, context.getTestMethod().map(m -> m.getName() + "-afterEach").orElse("afterEach"), throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw diagnose(context, "afterAll", throwable);
    }

    private static Throwable diagnose(ExtensionContext context, String testName, Throwable throwable) {
        Optional<SecureIngress> ingress = find(context);
        if (ingress.isEmpty() || throwable instanceof ParameterResolutionException
                || throwable instanceof ExtensionConfigurationException) {
            return throwable;
        }
        // the failure may come from a gateway that moved: the next test looks its address up again
        ingress.get().forgetGatewayAddresses();
        String className = context.getTestClass().map(SecureIngressExtension::className).orElse("unknown");
        return FailureDiagnostics.report(ingress.get(), className, testName, throwable);
    }

    /** {@code Outer$Inner} without the package. */
    private static String className(Class<?> type) {
        return type.getName().substring(type.getPackageName().isEmpty() ? 0 : type.getPackageName().length() + 1);
    }

    static Optional<SecureIngress> find(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(STORE).get(INGRESS_KEY, ClassIngress.class)).map(ClassIngress::ingress);
    }

    private static RuntimeException rethrowable(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new FailureWithDiagnostics(t.getMessage(), t);
    }

    /** Holds a class's ingress in its store; closing the store deletes what the class created, unless keep. */
    private record ClassIngress(SecureIngress ingress) implements AutoCloseable {
        @Override
        public void close() {
            if (ingress.settings().keep()) {
                LOG.info("Keeping namespace {} and everything in it (secure-ingress.keep=true); remove it with: kubectl delete"
                        + " namespace {}", ingress.namespace(), ingress.namespace());
                return;
            }
            ingress.tearDown();
        }
    }
}
