package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifierBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilterBuilder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static dev.secureingress.embedded.dataplane.Programs.exact;
import static dev.secureingress.embedded.dataplane.Programs.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteFiltersTest {

    private static HTTPPathModifier replacePrefix(String replacement) {
        return new HTTPPathModifierBuilder().withType("ReplacePrefixMatch").withReplacePrefixMatch(replacement).build();
    }

    private static String rewrite(String matchedPrefix, String replacement, String path) {
        return RouteFilters.modifyPath(replacePrefix(replacement), path, RouteMatcher.compile(prefix(matchedPrefix)));
    }

    @Test
    void replacePrefixMatchSwapsTheMatchedPathElements() {
        assertThat(rewrite("/foo", "/bar", "/foo/baz")).isEqualTo("/bar/baz");
        assertThat(rewrite("/foo", "/bar", "/foo")).isEqualTo("/bar");
        assertThat(rewrite("/foo/", "/bar", "/foo/baz")).isEqualTo("/bar/baz");
        assertThat(rewrite("/foo", "/", "/foo/baz")).isEqualTo("/baz");
        assertThat(rewrite("/foo", "/", "/foo")).isEqualTo("/");
        assertThat(rewrite("/", "/bar", "/foo")).isEqualTo("/bar/foo");
        assertThat(rewrite("/foo", "/bar/", "/foo/baz")).isEqualTo("/bar/baz");
    }

    @Test
    void replaceFullPathReplacesEverything() {
        HTTPPathModifier full = new HTTPPathModifierBuilder().withType("ReplaceFullPath").withReplaceFullPath("/new").build();

        assertThat(RouteFilters.modifyPath(full, "/old/path", RouteMatcher.compile(prefix("/old")))).isEqualTo("/new");
    }

    @Test
    void replacePrefixMatchNeedsAPathPrefixMatch() {
        assertThatThrownBy(() -> RouteFilters.modifyPath(replacePrefix("/x"), "/hello", RouteMatcher.compile(exact("/hello"))))
                .hasMessageContaining("PathPrefix");
    }

    @Test
    void headerModifierSetsAddsAndRemoves() {
        HttpHeaders headers = new DefaultHttpHeaders().add("keep", "1").add("replace", "old").add("drop", "x")
                .add("append", "first");

        RouteFilters.modifyHeaders(new HTTPHeaderFilterBuilder().addNewSet().withName("replace").withValue("new").endSet()
                .addNewAdd().withName("append").withValue("second").endAdd().withRemove("drop").build(), headers);

        assertThat(headers.getAll("replace")).containsExactly("new");
        assertThat(headers.getAll("append")).containsExactly("first", "second");
        assertThat(headers.contains("drop")).isFalse();
        assertThat(headers.get("keep")).isEqualTo("1");
    }

    private static String location(HTTPRequestRedirectFilterBuilder redirect, boolean secure, int listenerPort, String uri) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers().set("host", "www.example.com:31234");
        return RouteFilters.redirectLocation(redirect.build(), RequestView.of(request), RouteMatcher.compile(prefix("/")),
                secure, listenerPort);
    }

    @Test
    void redirectKeepsWhatItDoesNotChangeAndFollowsTheSpecsPortRules() {
        assertThat(location(new HTTPRequestRedirectFilterBuilder().withHostname("other.example.com"), true, 443, "/a?b=1"))
                .isEqualTo("https://other.example.com/a?b=1");
        assertThat(location(new HTTPRequestRedirectFilterBuilder().withHostname("other.example.com"), false, 8080, "/a"))
                .as("no scheme given: the listener's port").isEqualTo("http://other.example.com:8080/a");
        assertThat(location(new HTTPRequestRedirectFilterBuilder().withScheme("https"), false, 8080, "/a"))
                .as("a scheme given: its well-known port, left out").isEqualTo("https://www.example.com/a");
        assertThat(location(new HTTPRequestRedirectFilterBuilder().withPort(8443), true, 443, "/a"))
                .isEqualTo("https://www.example.com:8443/a");
        assertThat(location(new HTTPRequestRedirectFilterBuilder().withNewPath().withType("ReplaceFullPath")
                .withReplaceFullPath("/moved").endPath(), true, 443, "/a?q")).isEqualTo("https://www.example.com/moved?q");
    }
}
