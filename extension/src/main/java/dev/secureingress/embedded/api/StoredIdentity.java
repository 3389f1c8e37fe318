package dev.secureingress.embedded.api;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * What makes a stored object one cluster's own: its {@code metadata.uid} and {@code metadata.creationTimestamp}.
 * A server that starts with a copy of another's stored objects gives each copy a new identity, as a fresh cluster
 * holds objects of its own.
 *
 * <p>Stored objects are JSON text. Only the metadata is read (it comes first in stored objects) and only the two
 * values are replaced; the rest of the text, such as a CustomResourceDefinition's schema, is copied as it is.
 */
final class StoredIdentity {

    private static final JsonFactory JSON = new JsonFactory();

    private StoredIdentity() {
    }

    /** A place in the text and what goes there instead. */
    private record Replacement(int start, int end, String text) {
    }

    /**
     * {@code stored} with a random uid and the given creation timestamp (RFC 3339, e.g.
     * {@code 2026-01-01T00:00:00Z}) in its metadata; fields the metadata does not have are not added.
     */
    static String renewed(String stored, String creationTimestamp) {
        List<Replacement> replacements = metadataReplacements(stored, UUID.randomUUID().toString(), creationTimestamp);
        StringBuilder renewed = new StringBuilder(stored.length());
        int copied = 0;
        for (Replacement replacement : replacements) {
            renewed.append(stored, copied, replacement.start()).append(replacement.text());
            copied = replacement.end();
        }
        return renewed.append(stored, copied, stored.length()).toString();
    }

    private static List<Replacement> metadataReplacements(String stored, String uid, String creationTimestamp) {
        List<Replacement> replacements = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(stored)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a stored object is not a JSON object: " + abbreviated(stored));
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean metadata = parser.currentName().equals("metadata");
                if (parser.nextToken() != JsonToken.START_OBJECT || !metadata) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_STRING && field.equals("uid")) {
                        replacements.add(replacing(parser, stored, uid));
                    } else if (value == JsonToken.VALUE_STRING && field.equals("creationTimestamp")) {
                        replacements.add(replacing(parser, stored, creationTimestamp));
                    } else {
                        parser.skipChildren();
                    }
                }
                break;
            }
        } catch (JacksonException unreadable) {
            throw new IllegalArgumentException("a stored object is not readable JSON: " + abbreviated(stored),
                    unreadable);
        }
        replacements.sort(Comparator.comparingInt(Replacement::start));
        return replacements;
    }

    /** Replaces the string value the parser is at (plain text: uids and timestamps have nothing to escape). */
    private static Replacement replacing(JsonParser parser, String stored, String value) {
        int start = Math.toIntExact(parser.currentTokenLocation().getCharOffset());
        String quoted = "\"" + parser.getString() + "\"";
        if (!stored.startsWith(quoted, start)) {
            throw new IllegalStateException("unexpected text at offset " + start + " of a stored object: "
                    + abbreviated(stored));
        }
        return new Replacement(start, start + quoted.length(), "\"" + value + "\"");
    }

    private static String abbreviated(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
