package dev.secureingress.embedded.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The string formats the API server checks in custom resources, by the rules of the Go functions it uses. */
class SchemaFormatsTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "ipv4      | 10.0.0.1",
            "ipv4      | ::ffff:10.0.0.1",
            "ipv6      | 2001:db8::1",
            "ipv6      | ::",
            "ipv6      | ::ffff:10.0.0.1",
            "ipv6      | 1:2:3:4:5:6:7:8",
            "cidr      | 10.0.0.0/8",
            "cidr      | 2001:db8::/32",
            "mac       | 00:00:5e:00:53:01",
            "mac       | 00-00-5E-00-53-01",
            "mac       | 0000.5e00.5301",
            "mac       | 02:00:5e:10:00:00:00:01",
            "hostname  | httpbin.example.com",
            "hostname  | localhost",
            "hostname  | a-b",
            "hostname  | 1.example-2.com",
            "uri       | https://httpbin.example.com:8443/status/418?a=b",
            "uri       | /status/418",
            "uri       | mailto:someone@example.com",
            "uri       | urn:isbn:0321751043",
            "uri       | http://[2001:db8::1]:80/",
            "uri       | http://user:pass@example.com/",
            "email     | someone@example.com",
            "email     | Some One <someone@example.com>",
            "email     | <someone@example.com>",
            "email     | \"some one\"@example.com",
            "email     | root@localhost",
            "uuid      | 123e4567-e89b-12d3-a456-426614174000",
            "uuid      | 123E4567E89B12D3A456426614174000",
            "uuid4     | 123e4567-e89b-42d3-a456-426614174000",
            "byte      | aGVsbG8=",
            "date      | 2024-02-29",
            "date-time | 2014-12-15T19:30:20.000Z",
            "datetime  | 2014-12-15t19:30:20+01:00",
            "date-time | 2014-12-15T19:30:20,5Z",
            "duration  | 1h30m",
            "duration  | 1.5s",
            "duration  | 0",
            "duration  | 3 days",
            "duration  | 2 weeks 1 hour",
            "hexcolor  | #ff00AA",
            "rgbcolor  | rgb(255, 0, 10)",
            "ssn       | 123-45-6789",
            "isbn10    | 0321751043",
            "isbn13    | 978-0321751041",
            "isbn      | 978 0 321 75104 1",
            "creditcard | 4111 1111 1111 1111",
            "bsonobjectid | 507f1f77bcf86cd799439011",
            "password  | anything at all",
            "k8s-short-name | Not_A-Name!",
            "int32     | not checked on strings",
    })
    void acceptsWhatTheApiServerAccepts(String format, String text) {
        assertThat(SchemaFormats.accepts(format, text)).isTrue();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "ipv4      | 10.0.0.256",
            "ipv4      | 10.0.0",
            "ipv4      | 010.0.0.1",
            "ipv4      | 2001:db8::1",
            "ipv6      | 10.0.0.1",
            "ipv6      | 2001:db8:::1",
            "ipv6      | 1:2:3:4:5:6:7:8:9",
            "ipv6      | 1:2:3:4:5:6:7::8",
            "ipv6      | fe80::1%eth0",
            "ipv6      | 12345::1",
            "cidr      | 10.0.0.0/33",
            "cidr      | 10.0.0.0",
            "cidr      | 2001:db8::/129",
            "mac       | 00:00:5e:00:53",
            "mac       | 00:00-5e:00:53:01",
            "mac       | 00:00:5g:00:53:01",
            "hostname  | -leading.example.com",
            "hostname  | under_score.example.com",
            "hostname  | ab-cd",
            "hostname  | trailing-.example.com",
            "uri       | status/418",
            "uri       | ://missing-scheme",
            "uri       | http://exa mple.com/",
            "uri       | http://example.com:port/",
            "uri       | /bad%zzescape",
            "uri       | ''",
            "email     | someone",
            "email     | someone@",
            "email     | @example.com",
            "email     | some one@example.com",
            "email     | someone@example..com",
            "email     | Some One someone@example.com",
            "uuid      | 123e4567-e89b-12d3-a456-42661417400",
            "uuid4     | 123e4567-e89b-12d3-a456-426614174000",
            "byte      | aGVsbG8",
            "byte      | not base64!",
            "byte      | ''",
            "date      | 2023-02-29",
            "date      | 2024-2-01",
            "date-time | 2014-12-15 19:30:20Z",
            "date-time | 2014-12-15T24:00:00Z",
            "duration  | 1 fortnight",
            "duration  | 1x",
            "duration  | forever",
            "hexcolor  | #ff00a",
            "rgbcolor  | rgb(256, 0, 0)",
            "ssn       | 123-45-678",
            "isbn10    | 0321751044",
            "isbn13    | 978-0321751042",
            "creditcard | 4111 1111 1111 1112",
            "bsonobjectid | 507f1f77bcf86cd79943901",
    })
    void refusesWhatTheApiServerRefuses(String format, String text) {
        assertThat(SchemaFormats.accepts(format, text)).isFalse();
    }

    /** Formats a 1.32 API server does not check in CRD schemas (k8s-short-name and k8s-long-name came with 1.34). */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "k8s-short-name | Not_A_DNS_Label.",
            "k8s-short-name | ''",
            "k8s-long-name  | -UPPER..case-",
            "quantity       | ten gigabytes",
            "quantity       | 1.5.5Gi",
    })
    void acceptsAnyStringForTheFormatsKubernetes132DoesNotCheck(String format, String text) {
        assertThat(SchemaFormats.accepts(format, text)).isTrue();
    }
}
