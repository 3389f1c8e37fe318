package dev.secureingress.embedded.dataplane;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP/1.1 backend on an ephemeral loopback port (the JDK's HTTP server). Every answer carries
 * {@code x-backend: <name>} and a body that echoes the request: first line {@code <name> <METHOD> <uri>},
 * then one {@code name: value} line per request header (lower case). {@code /status/<code>} answers that
 * status; {@code /echo} answers the request body itself; {@code /hang} never answers until closed.
 */
final class TestBackend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);

    private TestBackend(String name) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static TestBackend start(String name) {
        try {
            return new TestBackend(name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start backend " + name, e);
        }
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    String name() {
        return name;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            exchange.getResponseHeaders().set("x-backend", name);
            if (path.startsWith("/echo")) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            if (path.startsWith("/hang")) {
                closing.await(60, TimeUnit.SECONDS);
                return;
            }
            int status = 200;
            if (path.startsWith("/status/")) {
                status = Integer.parseInt(path.substring("/status/".length()));
            }
            exchange.getRequestBody().readAllBytes();
            StringBuilder body = new StringBuilder(name).append(' ').append(exchange.getRequestMethod()).append(' ')
                    .append(exchange.getRequestURI().toString()).append('\n');
            Map<String, List<String>> sorted = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), v));
            sorted.forEach((k, values) -> values.forEach(v -> body.append(k).append(": ").append(v).append('\n')));
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
