package dev.secureingress.embedded.api;

import io.fabric8.zjsonpatch.JsonPatch;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * Applies a JSON patch (RFC 6902, {@code application/json-patch+json}, what {@code kubectl patch --type=json} and
 * fabric8's {@code PatchType.JSON} send) with fabric8's zjsonpatch. As fabric8's object store does, the missing
 * parent objects of each operation's path are made first, so that adding {@code /metadata/annotations/x} to an
 * object without annotations works.
 */
final class JsonPatches {

    private JsonPatches() {
    }

    /**
     * Returns {@code original} with the JSON patch {@code patch} (text) applied; {@code original} is not modified.
     *
     * @throws RuntimeException when the patch cannot be read or does not apply (a failed {@code test}, a missing path)
     */
    static Map<String, Object> apply(Map<String, Object> original, String patch) {
        JsonNode operations = ApiJson.read(patch, JsonNode.class);
        JsonNode source = ApiJson.convert(original, JsonNode.class);
        for (JsonNode operation : operations) {
            makeParents(source, operation.path("path").asText(""));
        }
        return ApiJson.parseObject(JsonPatch.apply(operations, source).toString());
    }

    private static void makeParents(JsonNode root, String pointer) {
        String[] segments = pointer.replaceFirst("^/", "").split("/");
        JsonNode node = root;
        for (int i = 0; i < segments.length - 1; i++) {
            String key = segments[i].replace("~1", "/").replace("~0", "~");
            if (node.get(key) == null && node instanceof ObjectNode object) {
                object.set(key, object.objectNode());
            }
            node = node.path(key);
        }
    }
}
