package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The API server as the controllers in its own JVM reach it: a fabric8 {@link HttpClient.Factory} whose clients
 * ({@link InProcessHttpClient}) hand each request straight to the server's {@link Dispatcher}, and whose watches
 * ({@link InProcessWatch}) pass events from the dispatcher's watch listener to the client's, without sockets,
 * HTTP or TLS. The objects, answers and watch events are the same as over the network.
 *
 * <p>Closing it ends every open in-process watch, as a server that goes away would, and later requests fail
 * as a refused connection does.
 */
final class InProcessTransport implements HttpClient.Factory, AutoCloseable {

    /**
     * Where requests are answered: beside their callers, as a server answers its clients, so that an informer's
     * start does not wait for its list and several lists run at once. Shared by the servers of this JVM; idle
     * threads go after a minute.
     */
    private static final ExecutorService ANSWERING = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "embedded-api-in-process");
        thread.setDaemon(true);
        return thread;
    });

    private final CompletableFuture<? extends Dispatcher> dispatcher;
    private final Set<InProcessWatch> openWatches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Serves what {@code dispatcher} answers; a request that comes before it is ready waits for it. */
    InProcessTransport(CompletableFuture<? extends Dispatcher> dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public InProcessHttpClient.Builder newBuilder() {
        return new InProcessHttpClient.Builder(this);
    }

    /**
     * A builder configured from {@code config} as far as an in-process client needs: its request settings
     * (timeouts, retries). TLS, proxies and authentication have nothing to act on without a network.
     */
    @Override
    public InProcessHttpClient.Builder newBuilder(Config config) {
        InProcessHttpClient.Builder builder = newBuilder();
        builder.tag(config.getRequestConfig());
        return builder;
    }

    /** Lets the dispatcher answer a request on a thread of its own; a closed transport refuses it. */
    CompletableFuture<MockResponse> dispatchAsync(RecordedRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return dispatch(request);
            } catch (ConnectException refused) {
                throw new CompletionException(refused);
            }
        }, ANSWERING);
    }

    /** Lets the dispatcher answer a request on the calling thread. */
    MockResponse dispatch(RecordedRequest request) throws ConnectException {
        refuseWhenClosed(request);
        return dispatcher.join().dispatch(request);
    }

    /** Keeps {@code watch} until it ends, so that {@link #close()} can end it. */
    void opened(InProcessWatch watch) throws ConnectException {
        openWatches.removeIf(WatchTransport::hasEnded);
        openWatches.add(watch);
        if (closed) {
            // closed while the watch opened: the close may not have seen it
            openWatches.remove(watch);
            refuseWhenClosed(watch.request());
        }
    }

    /** How many watches are open now. */
    int openWatches() {
        openWatches.removeIf(WatchTransport::hasEnded);
        return openWatches.size();
    }

    private void refuseWhenClosed(RecordedRequest request) throws ConnectException {
        if (closed) {
            throw new ConnectException("the embedded API server is closed; cannot " + request.getMethod() + " "
                    + request.getPath());
        }
    }

    /** Ends the open watches with 1001 (going away); later requests are refused. */
    @Override
    public void close() {
        closed = true;
        for (InProcessWatch watch : List.copyOf(openWatches)) {
            watch.close(1001, "the embedded API server is closing");
        }
    }

    /** The request as the dispatcher reads it: method, path with query, headers and body. */
    static RecordedRequest recorded(String method, URI uri, Map<String, List<String>> headers, String contentType,
            byte[] body) {
        Headers.Builder recordedHeaders = Headers.builder();
        headers.forEach((name, values) -> values.forEach(value -> recordedHeaders.add(name, value)));
        if (contentType != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            recordedHeaders.add("Content-Type", contentType);
        }
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new RecordedRequest("HTTP/1.1", httpMethod(method), path, recordedHeaders.build(), new Buffer(body));
    }

    private static HttpMethod httpMethod(String method) {
        try {
            return HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("the embedded API server does not serve HTTP method " + method, unknown);
        }
    }
}
