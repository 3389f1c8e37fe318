package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Structural defaulting as kube-apiserver does it: defaults fill absent fields of objects that exist, not objects
 * that do not; defaulting goes on inside the defaults it filled, list items and map values; a value a client set
 * stays; a non-nullable null is defaulted; metadata is left alone. A schema without defaults is known as such.
 */
class StructuralDefaultsTest {

    private static final JSONSchemaProps SCHEMA = ApiJson.read("""
            {"type": "object", "properties": {
              "metadata": {"type": "object", "default": {"name": "never"}},
              "spec": {"type": "object", "properties": {
                "mode": {"type": "string", "default": "Terminate"},
                "replicas": {"type": "integer", "default": 1},
                "optional": {"type": "object", "properties": {"inner": {"type": "string", "default": "x"}}},
                "policy": {"type": "object", "default": {}, "properties": {
                  "from": {"type": "string", "default": "Same"}}},
                "refs": {"type": "array", "items": {"type": "object", "properties": {
                  "kind": {"type": "string", "default": "Service"},
                  "weight": {"type": "integer", "default": 1}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                  "value": {"type": "string", "default": "v"}}}},
                "nullable": {"type": "string", "nullable": true, "default": "kept-null"}}}}}
            """, JSONSchemaProps.class);

    @Test
    void absentFieldsOfExistingObjectsGetTheirDefaults() {
        Map<String, Object> object = object("""
                {"metadata": {"name": "a"}, "spec": {"replicas": 3, "nullable": null,
                  "refs": [{"kind": "Backend"}, {}], "labels": {"app": {}}}}
                """);

        boolean changed = StructuralDefaults.fill(SCHEMA, object);

        assertThat(changed).isTrue();
        assertThat(ApiJson.write(object)).isEqualTo(ApiJson.write(object("""
                {"metadata": {"name": "a"}, "spec": {"replicas": 3, "nullable": null,
                  "refs": [{"kind": "Backend", "weight": 1}, {"kind": "Service", "weight": 1}],
                  "labels": {"app": {"value": "v"}}, "mode": "Terminate", "policy": {"from": "Same"}}}
                """)));
        assertThat(object).doesNotContainKey("optional");
    }

    @Test
    void aNonNullableNullIsDefaulted() {
        Map<String, Object> object = object("{\"spec\": {\"mode\": null}}");

        StructuralDefaults.fill(SCHEMA, object);

        assertThat(ObjectFields.at(object, "spec", "mode")).isEqualTo("Terminate");
    }

    @Test
    void anObjectWithAllItsDefaultsIsLeftAsItIs() {
        Map<String, Object> object = object("""
                {"spec": {"mode": "Passthrough", "replicas": 1, "policy": {"from": "All"}, "refs": [], "nullable": "n"}}
                """);
        String before = ApiJson.write(object);

        assertThat(StructuralDefaults.fill(SCHEMA, object)).isFalse();
        assertThat(ApiJson.write(object)).isEqualTo(before);
    }

    @Test
    void noObjectIsMadeForAFieldWhoseParentIsAbsent() {
        Map<String, Object> object = object("{\"metadata\": {\"name\": \"a\"}}");

        StructuralDefaults.fill(SCHEMA, object);

        assertThat(object).containsOnlyKeys("metadata");
        assertThat(object.get("metadata")).isEqualTo(Map.of("name", "a"));
    }

    @Test
    void aSchemaHoldsDefaultsWhereverOneOfItsPropertiesItemsOrMapValuesHasOne() {
        assertThat(StructuralDefaults.present(SCHEMA)).isTrue();
        assertThat(StructuralDefaults.present(schema("""
                {"type": "object", "properties": {"spec": {"type": "object", "properties": {
                  "refs": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                  "labels": {"type": "object", "additionalProperties": {"type": "string"}}}}}}
                """))).as("a schema without defaults").isFalse();
        assertThat(StructuralDefaults.present(schema("""
                {"type": "object", "properties": {"spec": {"type": "object", "properties": {
                  "refs": {"type": "array", "items": {"type": "object", "properties": {
                    "weight": {"type": "integer", "default": 1}}}}}}}}
                """))).as("a default in a list item").isTrue();
        assertThat(StructuralDefaults.present(schema("""
                {"type": "object", "properties": {"spec": {"type": "object", "additionalProperties": {
                  "type": "string", "default": "v"}}}}
                """))).as("a default of map values").isTrue();
    }

    private static JSONSchemaProps schema(String json) {
        return ApiJson.read(json, JSONSchemaProps.class);
    }

    private static Map<String, Object> object(String json) {
        return ApiJson.parseObject(json);
    }
}
