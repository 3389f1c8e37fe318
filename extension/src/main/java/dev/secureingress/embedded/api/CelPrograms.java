package dev.secureingress.embedded.api;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelProtoAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.expr.CheckedExpr;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles the CEL expressions of CRD validation rules ({@code x-kubernetes-validations}: {@code rule} and
 * {@code messageExpression}) with cel-java, in the environment the API server gives them: the variables {@code self}
 * and {@code oldSelf}, CEL's standard functions and macros ({@code has}, {@code all}, {@code exists},
 * {@code exists_one}, {@code filter}, {@code map}) and the strings extension ({@code split}, {@code lowerAscii},
 * {@code replace}, ...).
 *
 * <p>An expression is compiled once per JVM, the first time a write needs it, and kept by its text: a rule means the
 * same wherever it appears, since {@code self} is typed dynamically. The runtime is built at the first compile
 * (loading cel-java takes a fresh JVM a few hundred milliseconds), never when a server starts; the compiler only when
 * an expression the build did not compile comes: the build compiles the Gateway API CRDs' rules ({@link #compileAll})
 * and stores their checked syntax trees as {@value #PRECOMPILED}, which saves a fresh JVM's first Gateway or route
 * write loading and running the compiler.
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
        return RULES.computeIfAbsent(rule, text -> compile(text, SimpleType.BOOL));
    }

    /** {@code messageExpression} compiled; it must evaluate to a string. */
    static Compiled messageExpression(String messageExpression) {
        return MESSAGE_EXPRESSIONS.computeIfAbsent(messageExpression,
                text -> compile(text, SimpleType.STRING));
    }

    /**
     * The checked syntax trees of the rules the build compiled ({@link #compileAll}, stored beside this class as
     * {@value #PRECOMPILED}): the Gateway API CRDs' rules, which a JVM then evaluates without loading the compiler.
     */
    static final String PRECOMPILED = "gateway-api-cel-rules.json";

    /**
     * The checked syntax trees of {@code rules}, as the build stores them: rule text to its serialized
     * {@code CheckedExpr}, Base64.
     *
     * @throws IllegalArgumentException when a rule does not compile
     */
    static Map<String, String> compileAll(Collection<String> rules) {
        Map<String, String> compiled = new TreeMap<>();
        for (String rule : rules) {
            CelValidationResult result = Compiler.COMPILER.compile(rule);
            if (result.hasError()) {
                throw new IllegalArgumentException("rule " + rule + " does not compile: " + result.getErrorString());
            }
            try {
                compiled.put(rule, Base64.getEncoder().encodeToString(
                        CelProtoAbstractSyntaxTree.fromCelAst(result.getAst()).toCheckedExpr().toByteArray()));
            } catch (CelValidationException unexpected) {
                throw new IllegalArgumentException("rule " + rule + " does not compile: " + unexpected.getMessage());
            }
        }
        return compiled;
    }

    private static Compiled compile(String text, CelType resultType) {
        String precompiled = resultType.equals(SimpleType.BOOL) ? Precompiled.RULES.get(text) : null;
        try {
            CelAbstractSyntaxTree ast;
            if (precompiled != null) {
                ast = CelProtoAbstractSyntaxTree.fromCheckedExpr(
                        CheckedExpr.parseFrom(Base64.getDecoder().decode(precompiled))).getAst();
            } else {
                CelValidationResult result = Compiler.COMPILER.compile(text);
                if (result.hasError()) {
                    return new Compiled(null, result.getErrorString(), false);
                }
                ast = result.getAst();
            }
            CelType type = ast.getResultType();
            if (!type.equals(resultType) && !type.equals(SimpleType.DYN)) {
                return new Compiled(null, resultType.equals(SimpleType.BOOL)
                        ? "cel expression must evaluate to a bool" : "must evaluate to string", false);
            }
            return new Compiled(Runtime.RUNTIME.createProgram(ast), null, readsOldSelf(ast));
        } catch (Exception invalid) {
            return new Compiled(null, String.valueOf(invalid.getMessage()), false);
        }
    }

    private static boolean readsOldSelf(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .map(CelNavigableExpr::expr)
                .anyMatch(expr -> expr.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT
                        && expr.ident().name().equals(CelValues.OLD_SELF));
    }

    private static CelOptions options() {
        return CelOptions.current()
                .enableRegexPartialMatch(true) // matches() finds, as RE2 in cel-go does
                .enableHeterogeneousNumericComparisons(true)
                .build();
    }

    /** The runtime, built when the first expression is compiled. */
    private static final class Runtime {
        static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(options())
                .addLibraries(CelExtensions.strings())
                .build();
    }

    /** The compiler, built when the first expression the build did not compile is compiled. */
    private static final class Compiler {
        static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(options())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(CelValues.SELF, SimpleType.DYN)
                .addVar(CelValues.OLD_SELF, SimpleType.DYN)
                .addLibraries(CelExtensions.strings())
                .build();
    }

    /** The rules the build compiled, read when the first expression is compiled. */
    private static final class Precompiled {
        static final Map<String, String> RULES = read();

        @SuppressWarnings("unchecked")
        private static Map<String, String> read() {
            try (InputStream stored = CelPrograms.class.getResourceAsStream(PRECOMPILED)) {
                return stored == null ? Map.of()
                        : ApiJson.read(new String(stored.readAllBytes(), StandardCharsets.UTF_8), Map.class);
            } catch (IOException unreadable) {
                throw new UncheckedIOException("could not read " + PRECOMPILED + " beside " + CelPrograms.class,
                        unreadable);
            }
        }
    }
}
