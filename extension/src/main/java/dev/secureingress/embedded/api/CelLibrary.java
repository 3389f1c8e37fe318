package dev.secureingress.embedded.api;

import dev.cel.checker.CelCheckerBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the Kubernetes CEL libraries as cel-java sees it: the functions it declares to the compiler and the Java
 * code the runtime binds to each overload. Made with {@link #builder()}.
 */
record CelLibrary(List<CelFunctionDecl> declarations, List<CelFunctionBinding> bindings)
        implements CelCompilerLibrary, CelRuntimeLibrary {

    @Override
    public void setCheckerOptions(CelCheckerBuilder checker) {
        checker.addFunctionDeclarations(declarations);
    }

    @Override
    public void setRuntimeOptions(CelRuntimeBuilder runtime) {
        runtime.addFunctionBindings(bindings);
    }

    static Builder builder() {
        return new Builder();
    }

    /** Collects overloads by function name, each with its declaration and its binding. */
    static final class Builder {
        private final Map<String, List<CelOverloadDecl>> overloads = new LinkedHashMap<>();
        private final List<CelFunctionBinding> bindings = new ArrayList<>();

        /** {@code receiver.function(arguments...)}. */
        Builder member(String function, String overloadId, CelType result, List<CelType> parameters,
                       List<Class<?>> argumentClasses, CelFunctionOverload body) {
            overloads.computeIfAbsent(function, name -> new ArrayList<>())
                    .add(CelOverloadDecl.newMemberOverload(overloadId, result, parameters));
            bindings.add(CelFunctionBinding.from(overloadId, argumentClasses, body));
            return this;
        }

        /** {@code function(arguments...)}. */
        Builder global(String function, String overloadId, CelType result, List<CelType> parameters,
                       List<Class<?>> argumentClasses, CelFunctionOverload body) {
            overloads.computeIfAbsent(function, name -> new ArrayList<>())
                    .add(CelOverloadDecl.newGlobalOverload(overloadId, result, parameters));
            bindings.add(CelFunctionBinding.from(overloadId, argumentClasses, body));
            return this;
        }

        CelLibrary build() {
            List<CelFunctionDecl> declarations = new ArrayList<>();
            overloads.forEach((name, list) -> declarations.add(CelFunctionDecl.newFunctionDeclaration(name, list)));
            return new CelLibrary(List.copyOf(declarations), List.copyOf(bindings));
        }
    }

    /** An error of a library function, reported as {@code <message> evaluating rule: ...}. */
    static final class FunctionError extends RuntimeException {
        FunctionError(String message) {
            super(message, null, false, false);
        }
    }
}
