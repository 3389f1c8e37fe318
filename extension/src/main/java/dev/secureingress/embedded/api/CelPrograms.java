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
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.expr.CheckedExpr;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.validator.CelValidator;
import dev.cel.validator.CelValidatorFactory;
import dev.cel.validator.validators.DurationLiteralValidator;
import dev.cel.validator.validators.HomogeneousLiteralValidator;
import dev.cel.validator.validators.RegexLiteralValidator;
import dev.cel.validator.validators.TimestampLiteralValidator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles the CEL expressions of CRD validation rules ({@code x-kubernetes-validations}: {@code rule} and
 * {@code messageExpression}) with cel-java, in the environment kube-apiserver 1.32 gives them: the variables
 * {@code self} and {@code oldSelf}, CEL's standard functions and macros, optional values ({@code optional.of},
 * {@code ?.}, {@code [?]}, {@code orValue}, ...), the strings and sets extensions, and the Kubernetes libraries: lists
 * ({@link CelListFunctions}), regex ({@link CelRegexFunctions}), URLs ({@link CelUrls}), IPs and CIDRs
 * ({@link CelNetworkAddresses}), quantities ({@link CelQuantities}) and formats ({@link CelFormats}). Each evaluation
 * runs under the API server's per-call cost limit ({@link CelCostLimit}).
 *
 * <p>An expression is compiled once per JVM, the first time a write needs it, and kept by its text: a rule means the
 * same wherever it appears, since {@code self} is typed dynamically. The build compiles the Gateway API CRDs' rules
 * ({@link #compileAll}, with CEL's standard functions and the strings extension, all they use) and stores their
 * checked syntax trees as {@value #PRECOMPILED}; a JVM runs those on a lean runtime of just these functions, built at
 * the first such rule, which saves a fresh JVM's first Gateway or route write loading the compiler and the other
 * libraries. The compiler and runtime with every library are built only when an expression the build did not compile
 * comes, a user CRD's rule.
 */
final class CelPrograms {

    /** A compiled expression: its program, or the compiler's errors; whether it reads {@code oldSelf}. */
    record Compiled(CelRuntime.Program program, String errors, boolean transition) {

        boolean compiles() {
            return program != null;
        }

        /**
         * The value of the expression for these variables, within the per-call cost limit.
         *
         * @throws CelCostLimit.Exceeded when the evaluation goes past it
         */
        Object evaluate(Map<String, Object> variables) throws CelEvaluationException {
            return evaluate(variables, new CelCostLimit(CelCostLimit.PER_CALL_LIMIT));
        }

        /**
         * The value of the expression for these variables, within {@code cost}'s limit, which counts what the
         * evaluation costs.
         *
         * @throws CelCostLimit.Exceeded when the evaluation goes past the limit
         */
        Object evaluate(Map<String, Object> variables, CelCostLimit cost) throws CelEvaluationException {
            try {
                return program.trace(variables, cost);
            } catch (CelEvaluationException failed) {
                for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
                    if (cause instanceof CelCostLimit.Exceeded exceeded) {
                        throw exceeded;
                    }
                }
                throw failed;
            }
        }
    }

    private static final Map<String, Compiled> RULES = new ConcurrentHashMap<>();
    private static final Map<String, Compiled> OPTIONAL_OLD_SELF_RULES = new ConcurrentHashMap<>();
    private static final Map<String, Compiled> MESSAGE_EXPRESSIONS = new ConcurrentHashMap<>();

    private CelPrograms() {
    }

    /** {@code rule} compiled; it must evaluate to a boolean. */
    static Compiled rule(String rule) {
        return RULES.computeIfAbsent(rule, text -> compile(text, SimpleType.BOOL));
    }

    /**
     * {@code rule} compiled as a rule with {@code optionalOldSelf: true}, where {@code oldSelf} is an optional (of a
     * dynamic value); it must evaluate to a boolean.
     */
    static Compiled ruleWithOptionalOldSelf(String rule) {
        return OPTIONAL_OLD_SELF_RULES.computeIfAbsent(rule, text -> {
            try {
                CelValidationResult result = Full.validated(OptionalOldSelf.COMPILER.compile(text));
                return result.hasError() ? new Compiled(null, result.getErrorString(), false)
                        : program(result.getAst(), SimpleType.BOOL, Full.RUNTIME);
            } catch (Exception invalid) {
                return new Compiled(null, String.valueOf(invalid.getMessage()), false);
            }
        });
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
            CelValidationResult result = LeanCompiler.COMPILER.compile(rule);
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
            if (precompiled != null) {
                return program(CelProtoAbstractSyntaxTree.fromCheckedExpr(
                        CheckedExpr.parseFrom(Base64.getDecoder().decode(precompiled))).getAst(), resultType,
                        LeanRuntime.RUNTIME);
            }
            CelValidationResult result = Full.validated(Full.COMPILER.compile(text));
            return result.hasError() ? new Compiled(null, result.getErrorString(), false)
                    : program(result.getAst(), resultType, Full.RUNTIME);
        } catch (Exception invalid) {
            return new Compiled(null, String.valueOf(invalid.getMessage()), false);
        }
    }

    private static Compiled program(CelAbstractSyntaxTree ast, CelType resultType, CelRuntime runtime) {
        CelType type = ast.getResultType();
        if (!type.equals(resultType) && !type.equals(SimpleType.DYN)) {
            return new Compiled(null, resultType.equals(SimpleType.BOOL)
                    ? "cel expression must evaluate to a bool" : "must evaluate to string", false);
        }
        try {
            return new Compiled(runtime.createProgram(ast), null, readsOldSelf(ast));
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

    private static CelOptions options(boolean optionalSyntax) {
        return CelOptions.current()
                .enableRegexPartialMatch(true) // matches() finds, as RE2 in cel-go does
                .enableHeterogeneousNumericComparisons(true)
                .enableOptionalSyntax(optionalSyntax)
                .build();
    }

    /** The runtime of the rules the build compiled, built when the first of them is compiled. */
    private static final class LeanRuntime {
        static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(options(false))
                .addLibraries(CelExtensions.strings())
                .build();
    }

    /** The compiler of the build ({@link #compileAll}): the functions the Gateway API rules use. */
    private static final class LeanCompiler {
        static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(options(false))
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(CelValues.SELF, SimpleType.DYN)
                .addVar(CelValues.OLD_SELF, SimpleType.DYN)
                .addLibraries(CelExtensions.strings())
                .build();
    }

    /** The compiler and runtime with every library, built when the first expression the build did not compile is. */
    private static final class Full {
        private static final List<CelLibrary> KUBERNETES = List.of(CelListFunctions.library(),
                CelRegexFunctions.library(), CelUrls.library(), CelNetworkAddresses.library(),
                CelQuantities.library(), CelFormats.library());
        static final CelCompiler COMPILER = compiler(SimpleType.DYN);
        static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(options(true))
                .addLibraries(CelExtensions.strings(), CelExtensions.optional(), CelExtensions.sets(options(true)))
                .addLibraries(KUBERNETES)
                .build();

        /**
         * The literals checked as kube-apiserver checks them when it compiles: durations, timestamps and regular
         * expressions that parse, lists and maps of one type.
         */
        static final CelValidator LITERALS = CelValidatorFactory.standardCelValidatorBuilder(COMPILER, RUNTIME)
                .addAstValidators(DurationLiteralValidator.INSTANCE, TimestampLiteralValidator.INSTANCE,
                        RegexLiteralValidator.INSTANCE, HomogeneousLiteralValidator.newInstance())
                .build();

        /** {@code compiled}, or the errors of its literals. */
        static CelValidationResult validated(CelValidationResult compiled) {
            if (compiled.hasError()) {
                return compiled;
            }
            try {
                return LITERALS.validate(compiled.getAst());
            } catch (CelValidationException unexpected) {
                return compiled;
            }
        }

        static CelCompiler compiler(CelType oldSelf) {
            return CelCompilerFactory.standardCelCompilerBuilder()
                    .setOptions(options(true))
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    .addVar(CelValues.SELF, SimpleType.DYN)
                    .addVar(CelValues.OLD_SELF, oldSelf)
                    .addLibraries(CelExtensions.strings(), CelExtensions.optional(), CelExtensions.sets(options(true)))
                    .addLibraries(KUBERNETES)
                    .build();
        }
    }

    /** The compiler of rules with {@code optionalOldSelf}, built at the first of them. */
    private static final class OptionalOldSelf {
        static final CelCompiler COMPILER = Full.compiler(OptionalType.create(SimpleType.DYN));
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
