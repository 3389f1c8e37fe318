package dev.secureingress.ingress;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's Kubernetes YAML with placeholders where generated names go.
 *
 * <p>Placeholder syntax: {@code ${name}} or {@code ${name:argument}}. The names the extension fills in:
 * <ul>
 *   <li>{@code ${namespace}} - the test class's namespace;</li>
 *   <li>{@code ${gateway}} - the test class's generated Gateway name;</li>
 *   <li>{@code ${secret:HOST}} - the name of a TLS Secret holding a credential for HOST (created before the
 *       YAML is applied), e.g. {@code ${secret:httpbin.example.com}}.</li>
 * </ul>
 * {@code $${...}} stands for a literal {@code ${...}}. Text without placeholders (the seed's YAML as it
 * stands) is applied unchanged. An unknown placeholder fails with its name, line and source.
 */
public final class ManifestTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$?\\$\\{([^}:\\s]*)(?::([^}]*))?}");

    /** One placeholder occurrence. {@code argument} is {@code null} when the placeholder has none. */
    public record Placeholder(String name, String argument, int line) {
        @Override
        public String toString() {
            return "${" + name + (argument == null ? "" : ":" + argument) + "}";
        }
    }

    private final String source;
    private final String text;

    private ManifestTemplate(String source, String text) {
        this.source = source;
        this.text = text;
    }

    /** A template from text; {@code source} names it in error messages. */
    public static ManifestTemplate of(String source, String text) {
        return new ManifestTemplate(source, text);
    }

    /**
     * Loads {@code classpath:path/in/resources.yaml}, {@code file:relative/or/absolute.yaml} or a bare path
     * (looked up on the classpath first, then as a file).
     *
     * @throws IllegalArgumentException naming the location and where it was looked for
     */
    public static ManifestTemplate load(String location, ClassLoader classLoader) {
        if (location.startsWith("file:")) {
            return fromFile(location, Path.of(location.substring("file:".length())));
        }
        String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
        resource = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in != null) {
                return new ManifestTemplate(location, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + location, e);
        }
        if (!location.startsWith("classpath:") && Files.isRegularFile(Path.of(location))) {
            return fromFile(location, Path.of(location));
        }
        throw new IllegalArgumentException("manifest " + location + " not found: no classpath resource '" + resource
                + "'" + (location.startsWith("classpath:") ? "" : " and no file " + Path.of(location).toAbsolutePath())
                + "; put it under src/test/resources/" + resource + " or write file:<path>");
    }

    private static ManifestTemplate fromFile(String location, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("manifest " + location + " not found: no file " + file.toAbsolutePath());
        }
        try {
            return new ManifestTemplate(location, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + file.toAbsolutePath(), e);
        }
    }

    /** Where the template came from, as given. */
    public String source() {
        return source;
    }

    /** Every placeholder in order of appearance (escaped ones excluded), each name/argument once. */
    public Set<Placeholder> placeholders() {
        Set<Placeholder> found = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!m.group().startsWith("$$")) {
                Placeholder p = new Placeholder(m.group(1), m.group(2), lineOf(m.start()));
                if (found.stream().noneMatch(q -> q.name().equals(p.name()) && java.util.Objects.equals(q.argument(), p.argument()))) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    /**
     * The text with every placeholder replaced by {@code values}; {@code values} returns {@code null}
     * for a placeholder it does not know.
     *
     * @throws IllegalArgumentException for an unknown placeholder, naming it, its line and the source
     */
    public String render(Function<Placeholder, String> values, String knownPlaceholders) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().startsWith("$$")) {
                replacement = m.group().substring(1);
            } else {
                Placeholder p = new Placeholder(m.group(1), m.group(2), lineOf(m.start()));
                replacement = values.apply(p);
                if (replacement == null) {
                    throw new IllegalArgumentException("unknown placeholder " + p + " at line " + p.line() + " of "
                            + source + "; known placeholders: " + knownPlaceholders
                            + " (write $${...} for a literal ${...})");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private int lineOf(int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
