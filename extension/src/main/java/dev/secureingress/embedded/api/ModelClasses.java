package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fabric8 model class of each {@code apiVersion} and {@code kind}, loaded only when asked for. fabric8's own
 * lookup (its polymorphic deserializer) loads and instantiates every model class on the class path the first time
 * it runs, about a thousand classes and a third of a second of a fresh JVM's CPU; this one reads the same service
 * files ({@code META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource}) as text and loads only the
 * classes whose simple name is the kind asked for. Custom resource classes listed in such a file are found too.
 */
final class ModelClasses {

    private static final String SERVICE_FILE = "META-INF/services/" + KubernetesResource.class.getName();

    private final Map<String, List<Candidate>> candidatesByKind;

    private record Candidate(String className, ClassLoader loader) {
    }

    private ModelClasses(Map<String, List<Candidate>> candidatesByKind) {
        this.candidatesByKind = candidatesByKind;
    }

    /** The classes listed on this library's class path and the context class path of the thread that first asks. */
    static ModelClasses onClassPath() {
        return OnClassPath.CLASSES;
    }

    private static final class OnClassPath {
        static final ModelClasses CLASSES = listedBy(loaders());
    }

    /** The classes the service files visible to these class loaders list. */
    private static ModelClasses listedBy(List<ClassLoader> loaders) {
        Map<String, List<Candidate>> byKind = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ClassLoader loader : loaders) {
            for (String className : listedNames(loader)) {
                if (seen.add(className)) {
                    String simpleName = className.substring(className.lastIndexOf('.') + 1);
                    byKind.computeIfAbsent(simpleName, kind -> new ArrayList<>()).add(new Candidate(className, loader));
                }
            }
        }
        return new ModelClasses(byKind);
    }

    /**
     * The model class for {@code apiVersion} (e.g. {@code apps/v1}, {@code v1}) and {@code kind}, if there is one;
     * loads the candidate classes each time, so callers keep what they need.
     */
    Optional<Class<? extends HasMetadata>> forKind(String apiVersion, String kind) {
        for (Candidate candidate : candidatesByKind.getOrDefault(kind, List.of())) {
            Optional<Class<? extends HasMetadata>> type = load(candidate);
            if (type.isPresent() && apiVersion.equals(HasMetadata.getApiVersion(type.get()))
                    && kind.equals(HasMetadata.getKind(type.get()))) {
                return type;
            }
        }
        return Optional.empty();
    }

    private static Optional<Class<? extends HasMetadata>> load(Candidate candidate) {
        try {
            Class<?> type = Class.forName(candidate.className(), false, candidate.loader());
            return HasMetadata.class.isAssignableFrom(type)
                    ? Optional.of(type.asSubclass(HasMetadata.class)) : Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            // a stale entry in a service file: fabric8 skips those too
            return Optional.empty();
        }
    }

    private static List<ClassLoader> loaders() {
        List<ClassLoader> loaders = new ArrayList<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            loaders.add(context);
        }
        ClassLoader fabric8 = KubernetesResource.class.getClassLoader();
        if (fabric8 != null && fabric8 != context) {
            loaders.add(fabric8);
        }
        return loaders;
    }

    private static List<String> listedNames(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> files = loader.getResources(SERVICE_FILE);
            while (files.hasMoreElements()) {
                try (InputStream in = files.nextElement().openStream();
                     BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        int comment = line.indexOf('#');
                        String name = (comment >= 0 ? line.substring(0, comment) : line).trim();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SERVICE_FILE + " from the class path", e);
        }
        return names;
    }
}
