package dev.secureingress.examples;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints a readable summary of the example scenarios when the run ends, if the configuration parameter
 * {@code secure-ingress.summary} is {@code true}: one block per test class (scenario) with each test's
 * outcome and duration, the backend the run used, and the totals. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public class ScenarioSummary implements TestExecutionListener {

    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final Map<String, String> backends = new ConcurrentHashMap<>();
    private volatile TestPlan plan;
    private volatile boolean enabled;
    private volatile long planStarted;

    private record Outcome(String status, long millis, String reason) {
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        enabled = testPlan.getConfigurationParameters().getBoolean("secure-ingress.summary").orElse(false);
        planStarted = System.nanoTime();
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        outcomes.put(id.getUniqueId(), new Outcome("SKIP", 0, reason));
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        long millis = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1_000_000;
        String status = switch (result.getStatus()) {
            case SUCCESSFUL -> "PASS";
            case ABORTED -> "SKIP";
            case FAILED -> "FAIL";
        };
        String reason = result.getThrowable().map(t -> firstLine(String.valueOf(t.getMessage()))).orElse("");
        outcomes.put(id.getUniqueId(), new Outcome(status, millis, reason));
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        entry.getKeyValuePairs().forEach((key, value) -> {
            if (key.equals("secure-ingress.backend")) {
                backends.put(value, value);
            }
        });
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (enabled) {
            print(System.out);
        }
    }

    private void print(PrintStream out) {
        StringBuilder text = new StringBuilder("\n==== secure-ingress example scenarios ====\n");
        text.append("backend: ").append(backends.isEmpty() ? "(none started)" : String.join("; ", backends.keySet())).append('\n');
        Map<String, Integer> totals = new LinkedHashMap<>(Map.of("PASS", 0, "FAIL", 0, "SKIP", 0, "----", 0));
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier scenario : plan.getChildren(root)) {
                List<String> lines = new ArrayList<>();
                int failedBefore = totals.get("FAIL");
                collectTests(scenario, "    ", lines, totals);
                Outcome outcome = outcomes.get(scenario.getUniqueId());
                if (outcome != null && outcome.status().equals("FAIL")) {
                    totals.computeIfPresent("FAIL", (k, v) -> v + 1); // the class itself failed (set-up or clean-up)
                }
                // a scenario passes when its set-up and every one of its tests passed
                String status = outcome == null ? "----" : totals.get("FAIL") > failedBefore ? "FAIL" : outcome.status();
                text.append('\n').append(status).append("  ")
                        .append(scenario.getDisplayName())
                        .append(outcome == null ? "" : "  (" + outcome.millis() + " ms)").append('\n');
                if (outcome != null && !outcome.status().equals("PASS") && !outcome.reason().isEmpty()) {
                    text.append("        ").append(outcome.reason()).append('\n');
                }
                lines.forEach(line -> text.append(line).append('\n'));
            }
        }
        long millis = (System.nanoTime() - planStarted) / 1_000_000;
        text.append("\n").append(totals.get("PASS")).append(" tests passed, ").append(totals.get("FAIL"))
                .append(" failed (tests and scenarios), ").append(totals.get("SKIP")).append(" skipped, ")
                .append(totals.get("----")).append(" not run, in ").append(millis).append(" ms\n");
        out.print(text);
        out.flush();
    }

    private void collectTests(TestIdentifier node, String indent, List<String> lines, Map<String, Integer> totals) {
        for (TestIdentifier child : plan.getChildren(node)) {
            Outcome outcome = outcomes.get(child.getUniqueId());
            if (child.isTest()) {
                String status = outcome == null ? "----" : outcome.status();
                totals.computeIfPresent(status, (k, v) -> v + 1);
                lines.add(indent + status + "  " + child.getDisplayName()
                        + (outcome == null ? "" : "  (" + outcome.millis() + " ms)"));
                if (outcome != null && !status.equals("PASS") && !outcome.reason().isEmpty()) {
                    lines.add(indent + "      " + outcome.reason());
                }
            } else {
                lines.add(indent + child.getDisplayName());
                collectTests(child, indent + "    ", lines, totals);
            }
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
