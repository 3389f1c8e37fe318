package dev.secureingress.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class against a cluster with the Gateway API and Istio's gateway: the class gets its own
 * namespace, a generated PKI, the declared {@link #hosts() hosts} (Secrets, one Gateway, HTTPRoutes,
 * awaited until Programmed/Accepted) or its own {@link #manifests() manifests}, and the sample
 * {@link #fixtures() fixtures}; tests get a {@link SecureIngress} handle and friends injected.
 *
 * <p>Every attribute left at its default falls back to a configuration parameter (launcher,
 * {@code -D} system property or {@code junit-platform.properties}); the attribute wins when set:
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>attribute</th><th>configuration parameter</th><th>default</th></tr>
 *   <tr><td>backend</td><td>secure-ingress.backend</td><td>auto</td></tr>
 *   <tr><td>fixtures</td><td>secure-ingress.fixtures (comma-separated)</td><td>none</td></tr>
 *   <tr><td>keyAlgorithm</td><td>secure-ingress.key-algorithm</td><td>ECDSA_P256</td></tr>
 *   <tr><td>startupTimeout</td><td>secure-ingress.startup-timeout</td><td>5m</td></tr>
 *   <tr><td>readyTimeout</td><td>secure-ingress.ready-timeout</td><td>60s</td></tr>
 *   <tr><td>requestTimeout</td><td>secure-ingress.request-timeout</td><td>10s</td></tr>
 *   <tr><td>keep</td><td>secure-ingress.keep</td><td>false</td></tr>
 * </table>
 * Durations are written {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601 ({@code PT30S}).
 *
 * <p>The cluster is started once per JVM and backend configuration and shared by every class.
 * {@code @Nested} classes share their enclosing class's namespace and ingress.
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SecureIngressExtension.class)
public @interface SecureIngressTest {

    /**
     * {@code embedded} (in-JVM API server, gateway and sample apps), {@code k3s} (Testcontainers),
     * {@code kubeconfig} (an existing cluster, see {@code secure-ingress.kubeconfig}) or {@code auto}
     * (k3s where Docker works, else embedded).
     */
    String backend() default "";

    /** Sample apps deployed into the class's namespace: {@code httpbin}, {@code helloworld-v1}, {@code helloworld-v2}. */
    String[] fixtures() default {};

    /** Key algorithm of the generated CAs and leaves: {@code ECDSA_P256}, {@code ECDSA_P384}, {@code RSA_2048}, ... */
    String keyAlgorithm() default "";

    /** How long the cluster and the fixtures may take to start. */
    String startupTimeout() default "";

    /** How long Gateways, routes, rotations may take to become ready. */
    String readyTimeout() default "";

    /** Connect and read timeout of the injected {@code IngressClient}. */
    String requestTimeout() default "";

    /** {@code "true"} keeps the class's namespace and everything in it after the class, for inspection. */
    String keep() default "";

    /** Hosts behind one Gateway: each gets a credential Secret, an HTTPS listener on 443 and an HTTPRoute. */
    IngressHost[] hosts() default {};

    /**
     * The user's own manifests, applied after the hosts, in order: {@code classpath:path.yaml},
     * {@code file:path.yaml}, or a bare path (classpath first, then file). Placeholders are filled in
     * before applying: {@code ${namespace}}, {@code ${gateway}}, {@code ${secret:HOST}} (creates a TLS
     * Secret with a credential for HOST); {@code $${...}} is a literal {@code ${...}}. Gateways and
     * HTTPRoutes among them are awaited like declared hosts.
     */
    String[] manifests() default {};
}
