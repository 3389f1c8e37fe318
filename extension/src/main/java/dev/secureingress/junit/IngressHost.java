package dev.secureingress.junit;

import dev.secureingress.ingress.PathType;
import dev.secureingress.ingress.TlsMode;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One host in {@link SecureIngressTest#hosts()}:
 * {@code @IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = {"/status", "/delay"})}.
 */
@Documented
@Target({})
@Retention(RetentionPolicy.RUNTIME)
public @interface IngressHost {

    /** The hostname clients use (SNI, Host header, certificate SAN), e.g. {@code httpbin.example.com}. */
    String name();

    /** The Service and port in the class's namespace that the route forwards to, e.g. {@code httpbin:8000}. */
    String backend();

    /** The paths the route exposes; every other path answers 404. */
    String[] paths() default {"/"};

    /** How {@link #paths()} match. */
    PathType pathType() default PathType.PREFIX;

    /** SIMPLE (server certificate) or MUTUAL (client certificate required). */
    TlsMode tls() default TlsMode.SIMPLE;
}
