package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Predicate;

/**
 * fabric8's CRUD object store, whose watches never end while a write hands its event to them, and whose created
 * objects get random uids.
 *
 * <p>The store's watch listener, told that its watch ended, stops its sender before it leaves the store's list of
 * watches; a write that came in between would find a stopped sender, fail with an internal error although the
 * object was stored, and skip the watches after it. Here a write's event and the end of a watch take turns.
 *
 * <p>The store numbers the uids it hands out ({@code 00000000-0000-0000-0000-000000000047}); a real API server's
 * are random UUIDs, which tools and people take as unique across clusters and runs. Each created object's uid is
 * replaced by a random one before it is stored, sent to the watches and answered.
 *
 * <p>A watch from a resource version ({@code kubectl get -w} watches from the version of the list it printed)
 * begins after it, as on a real API server: the store would first send every stored object as ADDED again. It is
 * also told of the objects deleted since that version (the last {@value #DELETIONS_KEPT} deletions are kept, each with
 * a resource version of its own), as a real API server's watch cache tells it: a client that watches again after its
 * watch ended (fabric8's watches and informers do, from the last version they saw) misses no deletion.
 *
 * <p>A written CRD tells the store which custom resource to serve. The store would read it into fabric8's model with
 * a JSON mapper of its own, whose readers a fresh JVM would then build a second time; here it is read with the API
 * server's ({@link ApiJson}).
 *
 * <p>The server can end the open watches of a resource ({@link #endWatches}), as a real API server does when it
 * replaces the resource's storage.
 *
 * <p>A status write that records its manager in {@code metadata.managedFields} replaces the whole object, status
 * included ({@link #replaceWithStatus}): the store's own status writes keep the stored metadata. A create can store
 * the status its object was given ({@link #createWithStatus}), where the store would drop it.
 */
final class WatchedStore extends KubernetesCrudDispatcher {

    /** What the store is told a written CRD's path is, so that it leaves the CRD to {@link #processEvent}. */
    private static final String NOT_A_CRD_PATH = "";

    /** Held while an event is handed to the watches and while a watch ends. */
    private final Object events = new Object();
    /** The numbered uid (quoted) the store gave the object created on this thread, and its random replacement. */
    private final ThreadLocal<String[]> replacedUid = new ThreadLocal<>();
    /** Set while {@link #replaceWithStatus} or {@link #createWithStatus} writes: the status in the object is stored too. */
    private final ThreadLocal<Boolean> replacingWithStatus = new ThreadLocal<>();
    /** How many deletions are kept for the watches that begin after a resource version. */
    static final int DELETIONS_KEPT = 1024;
    /** The latest deletions, oldest first. */
    private final Deque<Deletion> deletions = new ConcurrentLinkedDeque<>();

    /** A deleted object: the resource version of its deletion, its attributes, and its JSON with that version. */
    private record Deletion(long version, AttributeSet attributes, String object) {
    }

    /** The watches that are open, with the resource each watches. */
    private final Set<EndingBetweenEvents> openWatches = ConcurrentHashMap.newKeySet();

    /**
     * Replaces the object at {@code objectPath} (not its {@code /status}) with {@code object} (JSON), its status
     * included even where the resource has a status subresource; a write of the object would keep the stored status.
     */
    MockResponse replaceWithStatus(String objectPath, String object) {
        replacingWithStatus.set(Boolean.TRUE);
        try {
            return dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, objectPath,
                    Headers.builder().add("Content-Type", "application/json").build(), new Buffer().writeUtf8(object)));
        } finally {
            replacingWithStatus.remove();
        }
    }

    /**
     * Creates the object in {@code request}'s body, its status included even where the resource has a status
     * subresource; a plain create would drop it.
     */
    MockResponse createWithStatus(RecordedRequest request) {
        replacingWithStatus.set(Boolean.TRUE);
        try {
            return dispatch(request);
        } finally {
            replacingWithStatus.remove();
        }
    }

    @Override
    public boolean isStatusSubresourceEnabledForResource(String path) {
        return replacingWithStatus.get() == null && super.isStatusSubresourceEnabledForResource(path);
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        MockResponse created = super.handleCreate(request);
        String[] replaced = replacedUid.get();
        replacedUid.remove();
        if (replaced == null || created.getBody() == null) {
            return created;
        }
        String body = ApiJson.text(created.getBody());
        return created.setBody(body.replace(replaced[0], replaced[1]));
    }

    /**
     * Stores {@code value} (the object's JSON text) in place of what {@code oldAttributes} named and hands it to
     * the watches; a create has no old attributes.
     */
    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
            GenericKubernetesResource resource, String value) {
        String stored = value;
        if (oldAttributes == null && resource != null && value != null && resource.getMetadata().getUid() != null) {
            String numbered = "\"" + resource.getMetadata().getUid() + "\"";
            String random = UUID.randomUUID().toString();
            replacedUid.set(new String[] {numbered, "\"" + random + "\""});
            resource.getMetadata().setUid(random);
            stored = value.replace(numbered, "\"" + random + "\"");
        }
        boolean crdWritten = stored != null && path.startsWith(ApiRequestDispatcher.CRD_COLLECTION);
        // a delete: no new object, the old one leaves the store
        String deleted = value == null && resource == null && oldAttributes != null ? getMap().get(oldAttributes) : null;
        synchronized (events) {
            // the store reads a written CRD with fabric8's default mapper, a second one; here the server's reads it
            super.processEvent(crdWritten ? NOT_A_CRD_PATH : path, pathAttributes, oldAttributes, resource, stored);
            if (deleted != null) {
                remember(oldAttributes, deleted);
            }
        }

        if (crdWritten) {
            expectCustomResource(CustomResourceDefinitionContext.fromCrd(
                    ApiJson.read(stored, CustomResourceDefinition.class)));
        }
    }

    /** Keeps the deletion of {@code object} for the watches that begin after an earlier resource version. */
    private void remember(AttributeSet attributes, String object) {
        long version = requestResourceVersion();
        String withVersion = object;
        try {
            Map<String, Object> parsed = ApiJson.parseObject(object);
            if (parsed.get("metadata") instanceof Map<?, ?> metadata) {
                @SuppressWarnings("unchecked")
                Map<String, Object> writable = (Map<String, Object>) metadata;
                writable.put("resourceVersion", String.valueOf(version));
                withVersion = ApiJson.write(parsed);
            }
        } catch (RuntimeException notAnObject) {
            return;
        }
        deletions.addLast(new Deletion(version, attributes, withVersion));
        while (deletions.size() > DELETIONS_KEPT) {
            deletions.pollFirst();
        }
    }

    /** What a watch of {@code path} is of: its resource, namespace and selectors, as the store matches objects. */
    private AttributeSet watched(String path) {
        AttributeSet query = attributeExtractor.fromPath(path);
        String fieldSelector = QueryParameters.first(path, "fieldSelector").orElse("");
        if (fieldSelector.startsWith("metadata.name=") && !fieldSelector.contains(",")) {
            query = query.add(new Attribute("name", fieldSelector.substring("metadata.name=".length())));
        }
        return query;
    }

    @Override
    public MockResponse handleWatch(String path) {
        MockResponse response = super.handleWatch(path);
        WebSocketListener watch = response.getWebSocketListener();
        return watch == null ? response
                : response.withWebSocketUpgrade(new EndingBetweenEvents(watch, path, watchedFrom(path)));
    }

    /**
     * Ends the open watches of the resources {@code watched} accepts, from the server's side: each client gets the
     * events already handed to its watch, then sees the watch close (and may watch again). Returns how many were
     * ended.
     */
    int endWatches(Predicate<ResourcePath> watched, String reason) {
        int ended = 0;
        for (EndingBetweenEvents watch : List.copyOf(openWatches)) {
            if (watch.socket != null && ResourcePath.parse(watch.path).filter(watched).isPresent()) {
                openWatches.remove(watch);
                // the store's listener closes the socket after the events it has still to send
                watch.onClosing(watch.socket, 1000, reason);
                ended++;
            }
        }
        return ended;
    }

    /** The resource version a watch begins after, 0 for none ({@code 0} and none mean: every stored object). */
    private static long watchedFrom(String path) {
        String version = QueryParameters.first(path, "resourceVersion").orElse(null);
        try {
            return version == null || version.isEmpty() ? 0 : Long.parseLong(version);
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    /**
     * The store's watch listener, ending only between two events, and leaving out of the stored objects it sends
     * first those of the resource version it watches from and before.
     */
    private final class EndingBetweenEvents extends ForwardingWatchListener {

        private final String path;
        private final long watchedFrom;
        /** The watch's socket once it opened: what {@link #endWatches} closes. */
        private volatile WebSocket socket;

        EndingBetweenEvents(WebSocketListener watch, String path, long watchedFrom) {
            super(watch);
            this.path = path;
            this.watchedFrom = watchedFrom;
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            socket = webSocket;
            openWatches.add(this);
            if (watchedFrom > 0) {
                // first the deletions since that version, then what the store sends
                AttributeSet query = watched(path);
                for (Deletion deletion : deletions) {
                    if (deletion.version() > watchedFrom && deletion.attributes().matches(query)) {
                        webSocket.send("{\"type\":\"DELETED\",\"object\":" + deletion.object() + "}");
                    }
                }
            }
            super.onOpen(watchedFrom == 0 ? webSocket : new SkippingSeenObjects(webSocket, watchedFrom), response);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            openWatches.remove(this);
            synchronized (events) {
                super.onClosed(webSocket, code, reason);
            }
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
            openWatches.remove(this);
            synchronized (events) {
                super.onFailure(webSocket, failure, response);
            }
        }
    }

    /**
     * A watch's socket that leaves out ADDED events of objects of a resource version the watcher has already seen:
     * the store sends every stored object as ADDED when a watch opens (on a thread of its own, so these can come
     * after later events), while an object added after the watcher's version has a later version.
     */
    private static final class SkippingSeenObjects extends ForwardingWatchSocket {

        private final long seenVersion;

        SkippingSeenObjects(WebSocket socket, long seenVersion) {
            super(socket);
            this.seenVersion = seenVersion;
        }

        @Override
        public boolean send(String text) {
            return text.contains("\"ADDED\"") && seenAdded(text) || super.send(text);
        }

        private boolean seenAdded(String text) {
            try {
                Map<String, Object> event = ApiJson.parseObject(text);
                Object version = ObjectFields.at(event, "object", "metadata", "resourceVersion");
                return "ADDED".equals(event.get("type")) && version != null
                        && Long.parseLong(version.toString()) <= seenVersion;
            } catch (RuntimeException notAnObjectEvent) {
                return false;
            }
        }
    }
}
