package dev.secureingress.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects the host whose current credential a {@link dev.secureingress.tls.Credential} parameter receives:
 * {@code void test(@ForHost("httpbin.example.com") Credential httpbin)}.
 */
@Documented
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface ForHost {
    /** The hostname, e.g. {@code httpbin.example.com}. */
    String value();
}
