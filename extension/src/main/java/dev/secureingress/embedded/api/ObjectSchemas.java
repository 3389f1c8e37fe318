package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The schema the objects of a resource are checked against ({@link SchemaValidator}): for a custom resource the
 * {@code openAPIV3Schema} of the served version in its stored CRD, so a CRD a user applies brings its own rules; for
 * a built-in kind the structural schema of its fabric8 model class ({@link ModelSchemas}), which knows the fields
 * but not their constraints, so only unknown fields are looked for.
 */
final class ObjectSchemas {

    /** A resource's schema, the kind it describes and whether its values are checked or only its fields. */
    record ObjectSchema(JSONSchemaProps schema, String kind, String version, boolean checksValues) {
    }

    private final Supplier<List<CustomResourceDefinition>> crds;

    /** @param crds reads the CustomResourceDefinitions currently stored */
    ObjectSchemas(Supplier<List<CustomResourceDefinition>> crds) {
        this.crds = crds;
    }

    /** The schema of {@code target}'s objects; empty for a resource this server has none for. */
    Optional<ObjectSchema> of(ResourcePath target) {
        if (ApiDiscovery.isBuiltIn(target.groupVersion())) {
            return builtInModel(target).map(model -> new ObjectSchema(ModelSchemas.ofKind(model),
                    HasMetadata.getKind(model), target.version(), false));
        }
        for (CustomResourceDefinition crd : crds.get()) {
            if (crd.getSpec() == null || !target.group().equals(crd.getSpec().getGroup())
                    || !target.plural().equals(crd.getSpec().getNames().getPlural())) {
                continue;
            }
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                if (version.getName().equals(target.version()) && version.getSchema() != null
                        && version.getSchema().getOpenAPIV3Schema() != null) {
                    return Optional.of(new ObjectSchema(version.getSchema().getOpenAPIV3Schema(),
                            crd.getSpec().getNames().getKind(), target.version(), true));
                }
            }
        }
        return Optional.empty();
    }

    /** The fabric8 model class of a built-in resource's objects; empty for other resources. */
    static Optional<Class<? extends HasMetadata>> builtInModel(ResourcePath target) {
        return Optional.ofNullable(BuiltInModels.BY_RESOURCE.get(target.groupVersion() + "/" + target.plural()));
    }

    /** The model classes of the built-in resources the server serves, loaded at the first check of one. */
    private static final class BuiltInModels {
        static final Map<String, Class<? extends HasMetadata>> BY_RESOURCE = Map.ofEntries(
                Map.entry("v1/namespaces", Namespace.class),
                Map.entry("v1/nodes", Node.class),
                Map.entry("v1/pods", Pod.class),
                Map.entry("v1/services", Service.class),
                Map.entry("v1/endpoints", Endpoints.class),
                Map.entry("v1/secrets", Secret.class),
                Map.entry("v1/configmaps", ConfigMap.class),
                Map.entry("v1/serviceaccounts", ServiceAccount.class),
                Map.entry("v1/events", io.fabric8.kubernetes.api.model.Event.class),
                Map.entry("v1/persistentvolumeclaims", PersistentVolumeClaim.class),
                Map.entry("apps/v1/deployments", Deployment.class),
                Map.entry("apps/v1/replicasets", ReplicaSet.class),
                Map.entry("apps/v1/statefulsets", StatefulSet.class),
                Map.entry("apps/v1/daemonsets", DaemonSet.class),
                Map.entry("batch/v1/jobs", Job.class),
                Map.entry("batch/v1/cronjobs", CronJob.class),
                Map.entry("discovery.k8s.io/v1/endpointslices", EndpointSlice.class),
                Map.entry("events.k8s.io/v1/events", io.fabric8.kubernetes.api.model.events.v1.Event.class),
                Map.entry("networking.k8s.io/v1/ingresses", Ingress.class),
                Map.entry("networking.k8s.io/v1/networkpolicies", NetworkPolicy.class),
                Map.entry("networking.k8s.io/v1/ingressclasses", IngressClass.class),
                Map.entry("rbac.authorization.k8s.io/v1/roles", Role.class),
                Map.entry("rbac.authorization.k8s.io/v1/rolebindings", RoleBinding.class),
                Map.entry("rbac.authorization.k8s.io/v1/clusterroles", ClusterRole.class),
                Map.entry("rbac.authorization.k8s.io/v1/clusterrolebindings", ClusterRoleBinding.class),
                Map.entry("apiextensions.k8s.io/v1/customresourcedefinitions", CustomResourceDefinition.class),
                Map.entry("authentication.k8s.io/v1/selfsubjectreviews",
                        io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview.class),
                Map.entry("authorization.k8s.io/v1/selfsubjectaccessreviews", SelfSubjectAccessReview.class),
                Map.entry("authorization.k8s.io/v1/selfsubjectrulesreviews", SelfSubjectRulesReview.class));
    }
}
