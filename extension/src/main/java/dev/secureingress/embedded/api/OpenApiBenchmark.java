package dev.secureingress.embedded.api;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * What the embedded API server's OpenAPI v3 root document ({@code GET /openapi/v3}, which kubectl asks for before
 * apply, patch and explain) costs, answered by a seeded server's dispatcher without a network:
 * <ul>
 *   <li>{@code embedded.api.openapi.first.ms}: a fresh server's first request, which makes the group versions'
 *       documents it hashes;</li>
 *   <li>{@code embedded.api.openapi.root.us}: each later request.</li>
 * </ul>
 */
public final class OpenApiBenchmark implements Benchmark {

    private static final String ROOT = "/openapi/v3";
    private static final int REQUESTS_PER_RUN = 200;

    @Override
    public String area() {
        return "embedded";
    }

    @Override
    public void run(Figures figures) throws Exception {
        List<Double> first = new ArrayList<>();
        for (int run = -figures.warmups(2); run < figures.repetitions(); run++) {
            ApiRequestDispatcher fresh = EmbeddedApiServer.seededDispatcher();
            long begin = System.nanoTime();
            requestRoot(fresh);
            if (run >= 0) {
                first.add((System.nanoTime() - begin) / 1e6);
            }
        }
        figures.report("embedded.api.openapi.first.ms", Figures.median(first), "ms");

        ApiRequestDispatcher served = EmbeddedApiServer.seededDispatcher();
        requestRoot(served);
        double millisPerRun = figures.medianMillis(3, () -> {
            for (int request = 0; request < REQUESTS_PER_RUN; request++) {
                requestRoot(served);
            }
        });
        figures.report("embedded.api.openapi.root.us", millisPerRun * 1000 / REQUESTS_PER_RUN, "us");
    }

    private static void requestRoot(ApiRequestDispatcher dispatcher) {
        MockResponse response = dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET, ROOT,
                Headers.builder().build(), new Buffer()));
        if (response.code() != HttpURLConnection.HTTP_OK) {
            throw new IllegalStateException("GET " + ROOT + " answered " + response.code() + ": "
                    + ApiJson.text(response.getBody()));
        }
    }

}
