package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.MockResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks a real API server makes before it stores an update (a PUT or any kind of patch), with its error
 * answers: a Service's cluster IP may not change once set ({@link ClusterIps#changeOnUpdate}), answered 422 Invalid
 * as {@code Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.7.8"]: may not change once set},
 * immutable ConfigMaps and Secrets keep their contents ({@link ImmutableContents}), annotations hold at most 256 KiB
 * ({@link ObjectValidation#annotationsTooLong}), and the CEL rules of a
 * CustomResourceDefinition must compile ({@link CrdRuleCompilation}).
 */
final class UpdateValidation {

    private UpdateValidation() {
    }

    /** True where an update is checked: it needs the stored version ({@code current}) of the object. */
    static boolean concerns(ResourcePath target) {
        return target.group().isEmpty() && target.plural().equals("services") && target.name() != null
                && target.subresource() == null;
    }

    /** An error answer for updating {@code current} (the stored version) to {@code object}, or empty when it may be stored. */
    static Optional<MockResponse> validate(ResourcePath target, Map<String, Object> object, Map<String, Object> current) {
        Optional<ObjectValidation.Violation> tooLong = current == null ? Optional.empty()
                : ObjectValidation.annotationsTooLong(object);
        if (tooLong.isPresent()) {
            String kind = String.valueOf(current.get("kind"));
            return Optional.of(ObjectValidation.invalid(target.group().isEmpty() ? kind : kind + "." + target.group(),
                    kind, target.group(), target.name(), List.of(tooLong.get())));
        }
        if (current != null && CrdRuleCompilation.concerns(target) && target.name() != null) {
            List<ObjectValidation.Violation> violations = CrdRuleCompilation.violations(object);
            return violations.isEmpty() ? Optional.empty() : Optional.of(ObjectValidation.invalid(
                    "CustomResourceDefinition.apiextensions.k8s.io", "CustomResourceDefinition", "apiextensions.k8s.io",
                    target.name(), violations));
        }
        if (current != null && ImmutableContents.concerns(target)) {
            List<ObjectValidation.Violation> violations = ImmutableContents.violations(target, object, current);
            String kind = target.plural().equals("secrets") ? "Secret" : "ConfigMap";
            return violations.isEmpty() ? Optional.empty()
                    : Optional.of(ObjectValidation.invalid(kind, kind, "", target.name(), violations));
        }
        if (current == null || !concerns(target)) {
            return Optional.empty();
        }
        return ClusterIps.changeOnUpdate(object, current).map(violation -> ObjectValidation.invalid("Service",
                "Service", "", target.name(), List.of(violation)));
    }
}
