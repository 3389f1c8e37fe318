package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.secureingress.embedded.dataplane.Programs.exact;
import static dev.secureingress.embedded.dataplane.Programs.prefix;
import static dev.secureingress.embedded.dataplane.Programs.regex;
import static org.assertj.core.api.Assertions.assertThat;

/** Which rule wins, per the Gateway API's matching and precedence rules. */
class RouteTableTest {

    private static RouteProgram.Rule rule(String backend, HTTPRouteMatch... matches) {
        return new RouteProgram.Rule(List.of(matches), List.of(),
                List.of(Programs.backend("default/" + backend + ":80", List.of())), null);
    }

    private static RouteProgram route(String name, Instant created, List<String> hostnames, RouteProgram.Rule... rules) {
        return new RouteProgram("default", name, created, hostnames, List.of(rules));
    }

    private static RouteProgram route(String name, RouteProgram.Rule... rules) {
        return route(name, Programs.EPOCH, List.of(), rules);
    }

    private static HttpRequest request(HttpMethod method, String host, String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        request.headers().set("host", host);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    /** The backend the winning rule names, or "404". */
    private static String winner(RouteTable table, HttpRequest request) {
        Optional<RouteTable.Candidate> selected = table.select(RequestView.of(request));
        return selected.map(c -> c.rule().backends().get(0).name().replaceAll("default/(.*):80", "$1")).orElse("404");
    }

    private static String get(RouteTable table, String uri, String... headers) {
        return winner(table, request(HttpMethod.GET, "example.com", uri, headers));
    }

    @Test
    void pathPrefixMatchesWholePathElementsAndIgnoresATrailingSlash() {
        RouteTable table = RouteTable.compile(List.of(route("r", rule("abc", prefix("/abc/")))));

        assertThat(get(table, "/abc")).isEqualTo("abc");
        assertThat(get(table, "/abc/")).isEqualTo("abc");
        assertThat(get(table, "/abc/def?x=1")).isEqualTo("abc");
        assertThat(get(table, "/abcd")).isEqualTo("404");
        assertThat(get(table, "/ABC")).as("case-sensitive").isEqualTo("404");
    }

    @Test
    void exactMatchesOnlyThePathItselfIgnoringTheQuery() {
        RouteTable table = RouteTable.compile(List.of(route("r", rule("hello", exact("/hello")))));

        assertThat(get(table, "/hello?x=1")).isEqualTo("hello");
        assertThat(get(table, "/hello/")).isEqualTo("404");
    }

    @Test
    void regularExpressionsMatchTheWholePath() {
        RouteTable table = RouteTable.compile(List.of(route("r", rule("regex", regex("/v[0-9]+/items")))));

        assertThat(get(table, "/v2/items")).isEqualTo("regex");
        assertThat(get(table, "/v2/items/1")).isEqualTo("404");
    }

    @Test
    void aRuleWithoutMatchesMatchesEverything() {
        RouteTable table = RouteTable.compile(List.of(route("r", rule("all"))));

        assertThat(get(table, "/anything/at/all")).isEqualTo("all");
    }

    @Test
    void exactBeatsPrefixAndTheLongestPrefixWinsAcrossRoutes() {
        RouteTable table = RouteTable.compile(List.of(
                route("a", rule("root", prefix("/"))),
                route("b", rule("foo", prefix("/foo"))),
                route("c", rule("foobar", prefix("/foo/bar")), rule("exact", exact("/foo/bar/baz")))));

        assertThat(get(table, "/foo/bar/baz")).isEqualTo("exact");
        assertThat(get(table, "/foo/bar/qux")).isEqualTo("foobar");
        assertThat(get(table, "/foo/x")).isEqualTo("foo");
        assertThat(get(table, "/x")).isEqualTo("root");
    }

    @Test
    void prefixBeatsRegularExpression() {
        RouteTable table = RouteTable.compile(List.of(route("r", rule("regex", regex("/a.*")), rule("prefix", prefix("/a")))));

        assertThat(get(table, "/a/b")).isEqualTo("prefix");
        assertThat(get(table, "/ab")).isEqualTo("regex");
    }

    @Test
    void thenMethodThenMostHeadersThenMostQueryParameters() {
        HTTPRouteMatch post = new HTTPRouteMatchBuilder(prefix("/")).withMethod("POST").build();
        HTTPRouteMatch twoHeaders = new HTTPRouteMatchBuilder(prefix("/")).addNewHeader().withName("a").withValue("1")
                .endHeader().addNewHeader().withName("b").withValue("2").endHeader().build();
        HTTPRouteMatch oneHeader = new HTTPRouteMatchBuilder(prefix("/")).addNewHeader().withName("a").withValue("1")
                .endHeader().build();
        HTTPRouteMatch query = new HTTPRouteMatchBuilder(prefix("/")).addNewQueryParam().withName("q").withValue("1")
                .endQueryParam().build();
        RouteTable table = RouteTable.compile(List.of(route("r",
                rule("plain", prefix("/")), rule("query", query), rule("one-header", oneHeader),
                rule("two-headers", twoHeaders), rule("post", post))));

        assertThat(winner(table, request(HttpMethod.POST, "example.com", "/?q=1", "a", "1", "b", "2"))).isEqualTo("post");
        assertThat(get(table, "/?q=1", "a", "1", "b", "2")).isEqualTo("two-headers");
        assertThat(get(table, "/?q=1", "a", "1")).isEqualTo("one-header");
        assertThat(get(table, "/?q=1")).isEqualTo("query");
        assertThat(get(table, "/?q=2")).isEqualTo("plain");
    }

    @Test
    void headerNamesAreCaseInsensitiveAndValuesCanBeRegularExpressions() {
        HTTPRouteMatch header = new HTTPRouteMatchBuilder().addNewHeader().withName("X-Version")
                .withType("RegularExpression").withValue("v[12]").endHeader().build();
        RouteTable table = RouteTable.compile(List.of(route("r", rule("versioned", header))));

        assertThat(get(table, "/", "x-version", "v2")).isEqualTo("versioned");
        assertThat(get(table, "/", "x-version", "v3")).isEqualTo("404");
        assertThat(get(table, "/")).isEqualTo("404");
    }

    @Test
    void tiesGoToTheOldestRouteThenNamespaceAndNameThenRuleOrder() {
        Instant older = Instant.parse("2025-01-01T00:00:00Z");
        RouteTable table = RouteTable.compile(List.of(
                route("b-newer", Programs.EPOCH, List.of(), rule("newer", prefix("/x"))),
                route("z-older", older, List.of(), rule("older", prefix("/x")))));
        assertThat(get(table, "/x")).isEqualTo("older");

        RouteTable sameAge = RouteTable.compile(List.of(
                route("b", rule("b-first", prefix("/x")), rule("b-second", prefix("/x"))),
                route("a", rule("a-first", prefix("/x")))));
        assertThat(get(sameAge, "/x")).isEqualTo("a-first");

        RouteTable oneRoute = RouteTable.compile(List.of(route("r", rule("first", prefix("/x")), rule("second", prefix("/x")))));
        assertThat(get(oneRoute, "/x")).isEqualTo("first");
    }

    @Test
    void theMostSpecificRouteHostnameWinsAndTheHostPortIsIgnored() {
        RouteTable table = RouteTable.compile(List.of(
                route("wild", Programs.EPOCH, List.of("*.example.com"), rule("wildcard", prefix("/"))),
                route("foo", Programs.EPOCH, List.of("foo.example.com"), rule("exact", prefix("/only")))));

        assertThat(winner(table, request(HttpMethod.GET, "foo.example.com:8443", "/only"))).isEqualTo("exact");
        assertThat(winner(table, request(HttpMethod.GET, "foo.example.com", "/other")))
                .as("the exact hostname's routes are the only ones considered").isEqualTo("404");
        assertThat(winner(table, request(HttpMethod.GET, "bar.example.com", "/other"))).isEqualTo("wildcard");
        assertThat(winner(table, request(HttpMethod.GET, "example.com", "/other"))).isEqualTo("404");
    }

    @Test
    void anInvalidRegularExpressionLeavesOnlyItsRuleUnserved() {
        RouteTable table = RouteTable.compile(List.of(route("r", rule("broken", regex("/(")), rule("ok", prefix("/ok")))));

        assertThat(get(table, "/ok")).isEqualTo("ok");
        assertThat(get(table, "/(")).isEqualTo("404");
    }
}
