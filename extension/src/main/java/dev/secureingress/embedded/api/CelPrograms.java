package dev.secureingress.embedded.api;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles the CEL expressions of CRD validation rules ({@code x-kubernetes-validations}: {@code rule} and
 * {@code messageExpression}) with cel-java, in the environment the API server gives them: the variables {@code self}
 * and {@code oldSelf}, CEL's standard functions and macros ({@code has}, {@code all}, {@code exists},
 * {@code exists_one}, {@code filter}, {@code map}) and the strings extension ({@code split}, {@code lowerAscii},
 * {@code replace}, ...).
 *
 * <p>An expression is compiled once per JVM, the first time a write needs it, and kept by its text: a rule means the
 * same wherever it appears, since {@code self} is typed dynamically. The compiler and runtime themselves are built at
 * the first compile (loading cel-java takes a fresh JVM a few hundred milliseconds), never when a server starts.
 */
final class CelPrograms {

    /** A compiled expression: its program, or the compiler's errors; whether it reads {@code oldSelf}. */
    record Compiled(CelRuntime.Program program, String errors, boolean transition) {

        boolean compiles() {
            return program != null;
        }

        /** The value of the expression for these variables. */
        Object evaluate(Map<String, Object> variables) throws CelEvaluationException {
            return program.eval(variables);
        }
    }

    private static final Map<String, Compiled> RULES = new ConcurrentHashMap<>();
    private static final Map<String, Compiled> MESSAGE_EXPRESSIONS = new ConcurrentHashMap<>();

    private CelPrograms() {
    }

    /** {@code rule} compiled; it must evaluate to a boolean. */
    static Compiled rule(String rule) {
        return RULES.computeIfAbsent(rule, text -> Environment.compile(text, SimpleType.BOOL));
    }

    /** {@code messageExpression} compiled; it must evaluate to a string. */
    static Compiled messageExpression(String messageExpression) {
        return MESSAGE_EXPRESSIONS.computeIfAbsent(messageExpression,
                text -> Environment.compile(text, SimpleType.STRING));
    }

    /** The compiler and runtime, built when the first expression is compiled. */
    private static final class Environment {

        private static final CelOptions OPTIONS = CelOptions.current()
                .enableRegexPartialMatch(true) // matches() finds, as RE2 in cel-go does
                .enableHeterogeneousNumericComparisons(true)
                .build();
        private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(CelValues.SELF, SimpleType.DYN)
                .addVar(CelValues.OLD_SELF, SimpleType.DYN)
                .addLibraries(CelExtensions.strings())
                .build();
        private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(OPTIONS)
                .addLibraries(CelExtensions.strings())
                .build();

        static Compiled compile(String text, CelType resultType) {
            CelValidationResult result = COMPILER.compile(text);
            if (result.hasError()) {
                return new Compiled(null, result.getErrorString(), false);
            }
            try {
                CelAbstractSyntaxTree ast = result.getAst();
                CelType type = ast.getResultType();
                if (!type.equals(resultType) && !type.equals(SimpleType.DYN)) {
                    return new Compiled(null, resultType.equals(SimpleType.BOOL)
                            ? "cel expression must evaluate to a bool"
                            : "must evaluate to string", false);
                }
                return new Compiled(RUNTIME.createProgram(ast), null, readsOldSelf(ast));
            } catch (Exception invalid) {
                return new Compiled(null, String.valueOf(invalid.getMessage()), false);
            }
        }

        private static boolean readsOldSelf(CelAbstractSyntaxTree ast) {
            return CelNavigableAst.fromAst(ast).getRoot().allNodes()
                    .map(CelNavigableExpr::expr)
                    .anyMatch(expr -> expr.exprKind().getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.IDENT
                            && expr.ident().name().equals(CelValues.OLD_SELF));
        }
    }
}
