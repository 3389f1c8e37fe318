package dev.secureingress.embedded.api;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationListener;

import java.util.Collection;
import java.util.Map;

/**
 * The runtime cost limit of one evaluation of a CEL expression, as the API server's per-call limit
 * ({@value #PER_CALL_LIMIT}) stops a rule that would run unbounded: each evaluated node costs 1, and a string, list or
 * map a function call makes adds a tenth of its size (as cel-go charges traversals). Past the limit the evaluation
 * stops with {@link Exceeded}. The figures approximate cel-go's, which charges some functions by their arguments'
 * sizes too.
 */
final class CelCostLimit implements CelEvaluationListener {

    /** The API server's limit of one evaluation of a rule. */
    static final long PER_CALL_LIMIT = 1_000_000;
    /** The API server's budget of all the rule evaluations of one write of a custom resource. */
    static final long PER_OBJECT_BUDGET = 10_000_000;

    private final long limit;
    private long cost;

    CelCostLimit(long limit) {
        this.limit = limit;
    }

    /** The cost so far. */
    long cost() {
        return cost;
    }

    @Override
    public void callback(CelExpr expr, Object result) {
        cost++;
        if (expr.exprKind().getKind() == CelExpr.ExprKind.Kind.CALL) {
            long size = result instanceof String text ? text.length()
                    : result instanceof Collection<?> collection ? collection.size()
                    : result instanceof Map<?, ?> map ? map.size() : 0;
            cost += size / 10;
        }
        if (cost > limit) {
            throw new Exceeded();
        }
    }

    /** The evaluation went past its cost limit; the message is cel-go's. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("operation cancelled: actual cost limit exceeded", null, false, false);
        }
    }
}
