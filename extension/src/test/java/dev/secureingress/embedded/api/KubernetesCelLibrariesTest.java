package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes CEL libraries as a CRD's rules see them: each rule here holds on the API server (kube-apiserver 1.32),
 * each failing one fails with the API server's message.
 */
class KubernetesCelLibrariesTest {

    private static List<String> failures(String rule, String self) {
        JSONSchemaProps schema = new JSONSchemaProps();
        schema.setType("object");
        schema.setXKubernetesPreserveUnknownFields(true);
        ValidationRule validation = new ValidationRule();
        validation.setRule(rule);
        schema.setXKubernetesValidations(List.of(validation));
        Map<String, Object> object = ApiJson.parseObject(ApiJson.write(ApiJson.read("self: " + self, Map.class)
                .get("self")));
        return CelValidation.check(schema, object, null).stream().map(ObjectValidation.Violation::message).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // lists
            "[1, 2, 3].isSorted() && !['b', 'a'].isSorted() && [].isSorted()",
            "[1, 2, 3].sum() == 6 && [1.5, 2.5].sum() == 4.0 && self.items.sum() == 7",
            "[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && ['b', 'c', 'a'].max() == 'c'",
            "[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && [1, 2].indexOf(5) == -1",
            "self.items.indexOf(3) == 1 && self.names.isSorted()",
            // regex
            "'abc 123 456'.find('[0-9]+') == '123' && 'abc'.find('[0-9]+') == ''",
            "'a1b2c3'.findAll('[0-9]') == ['1', '2', '3'] && 'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']",
            // URLs
            "url('https://user@example.com:8443/a%20b/c?x=1&x=2&y=3#frag').getScheme() == 'https'",
            "url('https://user@example.com:8443/path?x=1').getHost() == 'example.com:8443'",
            "url('https://[::1]:80/').getHostname() == '::1' && url('https://[::1]:80/').getPort() == '80'",
            "url('https://example.com/a%20b/c').getEscapedPath() == '/a%20b/c' && url('/just/a/path').getHost() == ''",
            "url('https://example.com/?x=1&x=2&y=a+b').getQuery() == {'x': ['1', '2'], 'y': ['a b']}",
            "isURL('https://example.com') && !isURL('example.com') && !isURL('')",
            // IPs and CIDRs
            "isIP('10.0.0.1') && isIP('fd00::1') && !isIP('10.0.0') && !isIP('::ffff:10.0.0.1') && !isIP('fe80::1%eth0')",
            "ip('10.0.0.1').family() == 4 && ip('fd00::1').family() == 6",
            "ip('0.0.0.0').isUnspecified() && ip('127.0.0.1').isLoopback() && ip('::1').isLoopback()",
            "ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast()",
            "ip('169.254.1.1').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()",
            "ip('8.8.8.8').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast() && !ip('::').isGlobalUnicast()",
            "ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1') && !ip.isCanonical('2001:db8:0:0:0:0:0:1')",
            "string(ip('2001:DB8:0::1')) == '2001:db8::1' && ip('10.0.0.1') == ip('10.0.0.1')",
            "cidr('10.0.0.0/8').containsIP(ip('10.1.2.3')) && cidr('10.0.0.0/8').containsIP('10.1.2.3')",
            "!cidr('10.0.0.0/8').containsIP('11.0.0.1') && !cidr('10.0.0.0/8').containsIP('fd00::1')",
            "cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))",
            "cidr('10.1.2.3/8').ip() == ip('10.1.2.3') && cidr('10.1.2.3/8').masked() == cidr('10.0.0.0/8')",
            "cidr('fd00::/64').prefixLength() == 64 && string(cidr('10.1.2.3/8').masked()) == '10.0.0.0/8'",
            "isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0') && !isCIDR('10.0.0.0/33') && !isCIDR('::ffff:1.2.3.4/96')",
            // quantities
            "quantity('1.5Gi').isGreaterThan(quantity('1Gi')) && quantity('500m').isLessThan(quantity('1'))",
            "quantity('1') == quantity('1000m') && quantity('1k').compareTo(quantity('1000')) == 0",
            "quantity('2Ki').asInteger() == 2048 && quantity('1.5').isInteger() == false",
            "quantity('-3').sign() == -1 && quantity('0').sign() == 0 && quantity('1e3').asInteger() == 1000",
            "quantity('1.5').asApproximateFloat() == 1.5 && quantity('1').add(quantity('500m')) == quantity('1.5')",
            "quantity('2').add(3) == quantity('5') && quantity('2').sub(3).sign() == -1",
            "quantity('2').sub(quantity('500m')) == quantity('1500m') && isQuantity('100Mi') && !isQuantity('1.5x')",
            "self.memory.matches('^[0-9]') && quantity(self.memory).isLessThan(quantity('1Gi'))",
            // sets
            "sets.contains([1, 2, 3], [3, 1]) && !sets.contains([1], [2])",
            "sets.equivalent([1, 2, 1], [2, 1]) && sets.intersects([1, 2], [2, 3]) && !sets.intersects([1], [2])",
            // optionals
            "optional.of(1).hasValue() && !optional.none().hasValue() && optional.of(2).value() == 2",
            "optional.ofNonZeroValue('').orValue('empty') == 'empty' && optional.ofNonZeroValue('a').value() == 'a'",
            "self.?missing.orValue('default') == 'default' && self.?memory.value() == '100Mi'",
            "self.labels[?'app'].orValue('') == 'web' && !self.labels[?'tier'].hasValue()",
            "self.items[?0] == optional.of(2) && !self.items[?9].hasValue()",
            // formats
            "!format.dns1123Label().validate('web').hasValue() && format.dns1123Label().validate('Web').hasValue()",
            "format.named('dns1123Subdomain').value().validate('a.b').orValue([]).size() == 0",
            "!format.named('nonsense').hasValue() && format.labelValue().validate('a b').hasValue()",
            "!format.dns1123LabelPrefix().validate('web-').hasValue() && format.dns1123Label().validate('web-').hasValue()",
            "!format.qualifiedName().validate('example.com/My_Name').hasValue() && !format.uri().validate('https://a.b').hasValue()",
            "format.uuid().validate('nope').value() == ['does not match the UUID format']",
            "!format.date().validate('2024-02-29').hasValue() && format.datetime().validate('yesterday').hasValue()",
            // the strings extension, version 2
            "'a,b'.split(',') == ['a', 'b'] && ['a', 'b'].join('-') == 'a-b' && 'Hello'.lowerAscii() == 'hello'",
    })
    void aRuleThatHoldsOnTheApiServerHoldsHere(String rule) {
        assertThat(failures(rule, "{items: [2, 3, 2], names: [a, b], memory: 100Mi, labels: {app: web}}")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            [].min() == 1 | min called on empty list
            ['a'].max() == 'a' && [].max() == 1 | max called on empty list
            [9223372036854775807, 1].sum() > 0 | integer overflow
            url('example.com').getHost() == '' | URL parse error during conversion from string: parse "example.com": invalid URI for request
            ip('10.0.0').family() == 4 | IP Address "10.0.0" parse error during conversion from string: ParseAddr("10.0.0"): IPv4 address too short
            ip('::ffff:10.0.0.1').family() == 6 | IPv4-mapped IPv6 address "::ffff:10.0.0.1" is not allowed
            ip('fe80::1%eth0').family() == 6 | IP address "fe80::1%eth0" with zone value is not allowed
            cidr('10.0.0.0/33').prefixLength() == 33 | network address parse error during conversion from string: netip.ParsePrefix("10.0.0.0/33"): prefix length out of range
            cidr('10.0.0.0').prefixLength() == 8 | network address parse error during conversion from string: netip.ParsePrefix("10.0.0.0"): no '/'
            quantity('1.5x').sign() == 1 | quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
            quantity('1.5').asInteger() == 1 | cannot convert value to integer
            """)
    void aFunctionThatFailsOnTheApiServerFailsWithItsMessage(String rule, String error) {
        assertThat(failures(rule, "{}")).containsExactly("Invalid value: \"object\": " + error + " evaluating rule: "
                + rule);
    }

    @Test
    void formatValidationReportsTheApiServersMessages() {
        assertThat(failures("!format.dns1123Label().validate(self.name).hasValue()", "{name: Web}"))
                .containsExactly("Invalid value: \"object\": failed rule: "
                        + "!format.dns1123Label().validate(self.name).hasValue()");
        assertThat(failures("format.dns1123Label().validate(self.name).value() == ['must be no more than 63 "
                + "characters', 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                + "\\'-\\', and must start and end with an alphanumeric character (e.g. \\'my-name\\',  or "
                + "\\'123-abc\\', regex used for validation is \\'[a-z0-9]([-a-z0-9]*[a-z0-9])?\\')']",
                "{name: " + "A".repeat(64) + "}")).isEmpty();
    }

    @Test
    void aRuleThatRunsPastTheCostLimitIsStoppedWithTheApiServersMessageAndNoFurtherRuleRuns() {
        JSONSchemaProps schema = ApiJson.read("""
                type: object
                properties:
                  a:
                    type: array
                    items: {type: integer}
                    x-kubernetes-validations:
                    - rule: "self.all(x, self.all(y, x + y >= 0))"
                  b:
                    type: string
                    x-kubernetes-validations:
                    - rule: "false"
                """, JSONSchemaProps.class);
        List<Long> items = new ArrayList<>();
        for (long i = 0; i < 1000; i++) {
            items.add(i);
        }

        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", items);
        object.put("b", "x");

        assertThat(CelValidation.check(schema, object, null)).containsExactly(
                new ObjectValidation.Violation("FieldValueInvalid", "a", "Invalid value: \"array\": 'operation "
                        + "cancelled: actual cost limit exceeded': no further validation rules will be run due to call "
                        + "cost exceeds limit for rule: self.all(x, self.all(y, x + y >= 0))"));
        assertThat(CelValidation.check(schema, Map.of("a", items.subList(0, 100), "b", "x"), null))
                .extracting(ObjectValidation.Violation::field).containsExactly("b");
    }

    @Test
    void rulesThatTogetherSpendThePerObjectBudgetStopWithTheApiServersMessage() {
        JSONSchemaProps schema = ApiJson.read("""
                type: object
                properties:
                  lists:
                    type: array
                    items:
                      type: array
                      items: {type: integer}
                      x-kubernetes-validations:
                      - rule: "self.all(x, self.all(y, x + y >= 0))"
                """, JSONSchemaProps.class);
        List<Long> items = new ArrayList<>();
        for (long i = 0; i < 300; i++) {
            items.add(i);
        }

        List<ObjectValidation.Violation> few = CelValidation.check(schema, Map.of("lists", List.of(items, items)),
                null);
        List<ObjectValidation.Violation> many = CelValidation.check(schema,
                Map.of("lists", java.util.Collections.nCopies(30, items)), null);

        assertThat(few).isEmpty();
        assertThat(many).singleElement().satisfies(violation -> {
            assertThat(violation.field()).startsWith("lists[").isNotEqualTo("lists[29]");
            assertThat(violation.message()).isEqualTo("Invalid value: \"array\": validation failed due to running out "
                    + "of cost budget, no further validation rules will be run");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            self.name.matches('[a-z') | [a-z
            duration('1 hour') > duration('1s') | 1 hour
            timestamp('yesterday') > timestamp('2024-01-01T00:00:00Z') | yesterday
            [1, 'a'].size() == 2 | 'a'
            """)
    void aRuleWithAnInvalidLiteralDoesNotCompileAsOnTheApiServer(String rule, String literal) {
        CelPrograms.Compiled compiled = CelPrograms.rule(rule);

        assertThat(compiled.compiles()).as(rule).isFalse();
        assertThat(compiled.errors()).as(rule).contains("ERROR: <input>:1:").contains(literal);
        assertThat(CelPrograms.rule("self.name.matches('[a-z]') && duration('1h') > duration('1s') && [1, 2].size() == 2")
                .compiles()).isTrue();
    }
}
